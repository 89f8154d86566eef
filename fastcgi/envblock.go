package fastcgi

import (
	"encoding/binary"
	"strings"
)

// An environment block is a request's variables as one name-value pair,
// for menshen's Perl runner (Request.EnvBlock): an empty name and a value
// that is NAME NUL value NUL NAME NUL value…, with no NUL at the end. The
// runner fills %ENV from it with one split, where a pair each costs it a
// loop of Perl operations (about a fifth of its work on a small script).
// The value's length always takes four bytes (the spec's long form, which
// a reader takes for any length), written when the block is done. An
// environment cannot hold a NUL in a name or a value: a request whose
// variables have one is sent as pairs (AppendEnvVar refuses it).

// envBlockFlag is FCGI_BeginRequestBody's second reserved byte when the
// params are an environment block.
const envBlockFlag = 1

// envBlockHeader is the size of the block's pair header: the name's
// length (0) and the value's, in four bytes.
const envBlockHeader = 5

// StartEnvBlock appends the header of an environment block to dst; its
// start is len(dst) before the call, which AppendEnvVar and EndEnvBlock
// are given.
func StartEnvBlock(dst []byte) []byte {
	return append(dst, 0, 0x80, 0, 0, 0)
}

// AppendEnvVar appends one variable to the block that starts at start. It
// reports false, appending nothing, for an empty name or a name or value
// that holds a NUL: such a request's variables go as pairs.
func AppendEnvVar(dst []byte, start int, name, value string) ([]byte, bool) {
	if name == "" || strings.IndexByte(name, 0) >= 0 || strings.IndexByte(value, 0) >= 0 {
		return dst, false
	}
	if len(dst) > start+envBlockHeader {
		dst = append(dst, 0)
	}
	dst = append(dst, name...)
	dst = append(dst, 0)
	return append(dst, value...), true
}

// EndEnvBlock writes the length of the block that starts at start. It
// reports false when the block is longer than a pair may be.
func EndEnvBlock(dst []byte, start int) ([]byte, bool) {
	n := len(dst) - start - envBlockHeader
	if n > maxPairLen {
		return dst, false
	}
	binary.BigEndian.PutUint32(dst[start+1:], uint32(n)|1<<31)
	return dst, true
}
