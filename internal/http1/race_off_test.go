//go:build !race

package http1

// raceOn: the tests run under the race detector.
const raceOn = false
