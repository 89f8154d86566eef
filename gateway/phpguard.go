// phpguard.go keeps a php-cgi wrapper's options in force in cgi mode when
// the request's query string makes php-cgi ignore its command line.

package gateway

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
)

// errPHPGuard is the 403 of a request whose query string would have
// php-cgi drop a wrapper option that no environment variable can stand
// for.
var errPHPGuard = errors.New("gateway: the query string makes php-cgi ignore its command line (its CVE-2012-1823 guard), and the wrapper's args hold an option only the command line can give")

// phpSkipsOptions reports whether php-cgi, started per request with
// QUERY_STRING query, ignores every option on its command line: its guard
// against CVE-2012-1823 (a web server passing an ISINDEX query as
// arguments) does so for a query with no "=" that, decoded, starts with
// "-" after any bytes up to a space. The options of a [[wrapper]]'s args
// (-d open_basedir=..., -d disable_functions=...) are then dropped, for
// any client who asks with "?-x".
func phpSkipsOptions(query string) bool {
	if strings.IndexByte(query, '=') >= 0 {
		return false
	}
	// As php_url_decode reads it ("+" a space, %XX a byte, a bad escape
	// left as it is), past the bytes up to a space.
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '+':
			c = ' '
		case c == '%' && i+2 < len(query) && isHex(query[i+1]) && isHex(query[i+2]):
			c = unhex(query[i+1])<<4 | unhex(query[i+2])
			i += 2
		}
		if c == 0 {
			return false // php's C string ends there
		}
		if c > ' ' {
			return c == '-'
		}
	}
	return false
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// phpOptions returns the arguments php-cgi takes its options from when a
// wrapper runs command with args: all of them when command is php's, those
// after php's program when command starts it (/usr/bin/env php-cgi -d
// ...); ok is false when no php-cgi is run.
func phpOptions(command string, args []string) ([]string, bool) {
	if isPHP(command) {
		return args, true
	}
	for i, a := range args {
		if a == "{script}" || strings.HasPrefix(a, "-") {
			continue
		}
		if isPHP(a) {
			return args[i+1:], true
		}
	}
	return nil, false
}

// phpOptionsEnv returns the environment that gives php-cgi the options of
// args (up to the script, the first argument that is no option) without
// its command line: each -d as php-cgi makes it an ini line (a value that
// starts with neither a letter, a digit nor a quote is quoted), in a file
// of dir's, named by PHP_INI_SCAN_DIR after php's own scan directory
// (scanDir, the request's value if it has one: an empty one is php's
// default), and -c's path as PHPRC. ok is false when args hold another
// option (-n, -z...), which only the command line can give.
func phpOptionsEnv(args []string, dir, scanDir string) (env []string, ok bool, err error) {
	var ini strings.Builder
	var phprc string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "{script}" || !strings.HasPrefix(a, "-") || a == "-" {
			break
		}
		var val string
		define := true // -d; else -c
		switch {
		case a == "-d" || a == "--define" || a == "-c" || a == "--php-ini":
			if i+1 >= len(args) {
				return nil, false, nil
			}
			i++
			val, define = args[i], a == "-d" || a == "--define"
		case strings.HasPrefix(a, "-d"):
			val = a[2:]
		case strings.HasPrefix(a, "--define="):
			val = a[len("--define="):]
		case strings.HasPrefix(a, "-c"):
			val, define = a[2:], false
		case strings.HasPrefix(a, "--php-ini="):
			val, define = a[len("--php-ini="):], false
		default:
			return nil, false, nil
		}
		if !define {
			phprc = val
			continue
		}
		name, v, hasValue := strings.Cut(val, "=")
		switch {
		case !hasValue:
			ini.WriteString(name + "=1\n")
		case v != "" && !isAlnum(v[0]) && v[0] != '"' && v[0] != '\'':
			ini.WriteString(name + "=\"" + v + "\"\n")
		default:
			ini.WriteString(val + "\n")
		}
	}
	if phprc != "" {
		env = append(env, "PHPRC="+phprc)
	}
	if ini.Len() == 0 {
		return env, true, nil
	}
	sum := sha256.Sum256([]byte(ini.String()))
	d := filepath.Join(dir, "php-ini-"+hex.EncodeToString(sum[:8]))
	file := filepath.Join(d, "zz-menshen-wrapper-args.ini")
	if _, err := os.Stat(file); err != nil {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, false, err
		}
		// Whole or not at all, for a request that starts meanwhile.
		f, err := os.CreateTemp(d, ".tmp-*")
		if err != nil {
			return nil, false, err
		}
		_, werr := f.WriteString(ini.String())
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr == nil {
			werr = os.Chmod(f.Name(), 0o644)
		}
		if werr == nil {
			werr = os.Rename(f.Name(), file)
		}
		if werr != nil {
			os.Remove(f.Name())
			return nil, false, werr
		}
	}
	return append(env, "PHP_INI_SCAN_DIR="+scanDir+":"+d), true, nil
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}
