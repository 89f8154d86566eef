//go:build !race

package fastcgi

// raceOn: the tests run under the race detector.
const raceOn = false
