// config.go holds the gateway's settings: command-line values and the
// optional TOML file of CONTRACT §7.

package gateway

import (
	"bytes"
	"encoding"
	"errors"
	"fmt"
	"math"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/menshen/menshen/fastcgi"
	"github.com/sirupsen/logrus"
)

// Mode is how a script is executed.
type Mode string

// The modes of CONTRACT §3.
const (
	ModeCGI     Mode = "cgi"
	ModeFastCGI Mode = "fastcgi"
)

// ParseMode validates a mode name.
func ParseMode(s string) (Mode, error) {
	switch Mode(s) {
	case ModeCGI, ModeFastCGI:
		return Mode(s), nil
	}
	return "", fmt.Errorf("mode %q: want cgi or fastcgi", s)
}

// Isolation levels of the Perl runner (C21).
const (
	IsolationAuto     = "auto"
	IsolationPerlRun  = "perlrun"
	IsolationRegistry = "registry"
)

func parseIsolation(s string) (string, error) {
	switch s {
	case IsolationAuto, IsolationPerlRun, IsolationRegistry:
		return s, nil
	}
	return "", fmt.Errorf("isolation %q: want auto, perlrun or registry", s)
}

// ErrConfig marks an invalid configuration (exit code 2).
var ErrConfig = errors.New("gateway: invalid configuration")

// phpCLI matches the base name of PHP's command-line interpreter (php,
// php8.2), not its CGI one (php-cgi, php-cgi8.2).
var phpCLI = regexp.MustCompile(`^php[0-9.]*$`)

// phpCLIWarning is what serve logs and check lists of a wrapper whose
// command is PHP's command-line interpreter with the script as its only
// argument: what a mod_php Apache has at hand (php-cgi is another
// package), and it speaks neither CGI nor FastCGI: every page that does
// not print its own header is a 502, in fastcgi mode a worker that exits
// at once. Not refused: a page that prints its own header works, and
// args may run something else (a FastCGI server script).
func phpCLIWarning(w wrapper) string {
	if w.args != nil || !phpCLI.MatchString(filepath.Base(w.command)) {
		return ""
	}
	return fmt.Sprintf("wrapper %q: command %q is PHP's command-line interpreter, which speaks neither CGI nor FastCGI (its pages send no header: 502): use php-cgi (Debian: apt-get install php-cgi)", w.ext, w.command)
}

// cgiInterpreter matches the base names of interpreters that run a CGI
// script but speak no FastCGI: a wrapper through one (lighttpd's
// cgi.assign = (".pl" => "/usr/bin/perl") translated) works in cgi mode,
// and in fastcgi mode its worker runs the script once and exits.
var cgiInterpreter = regexp.MustCompile(`^(perl[0-9.]*|sh|bash|dash|ksh|zsh|python[0-9.]*|ruby[0-9.]*|tclsh[0-9.]*)$`)

// interpreterWarning is what serve logs and check lists of a wrapper whose
// command is such an interpreter with the script as its only argument. Not
// refused: cgi mode serves its files as it should.
func interpreterWarning(w wrapper) string {
	if w.args != nil || !cgiInterpreter.MatchString(filepath.Base(w.command)) {
		return ""
	}
	return fmt.Sprintf("wrapper %q: command %q is an interpreter, not a FastCGI server: its files work in cgi mode, and fail (502) in fastcgi mode; without the wrapper, a file with its #! line runs as well (a Perl script in the runner in fastcgi mode, others per request)", w.ext, w.command)
}

// wrapperWarnings is what serve logs and check lists of a wrapper: the
// warnings above that apply to it.
func wrapperWarnings(w wrapper) []string {
	var out []string
	for _, msg := range []string{phpCLIWarning(w), interpreterWarning(w)} {
		if msg != "" {
			out = append(out, msg)
		}
	}
	return out
}

// topLevelKeys are the keys of the config file's top level that take a
// value (not a table): in TOML, one written below [env] is a variable of
// [env] (`[env]\nFOO = "x"\nmode = "fastcgi"` sets no mode).
var topLevelKeys = func() map[string]bool {
	keys := map[string]bool{}
	t := reflect.TypeFor[fileConfig]()
	for i := range t.NumField() {
		switch name := t.Field(i).Tag.Get("toml"); name {
		case "", "env", "wrapper", "script", "mount":
		default:
			keys[name] = true
		}
	}
	return keys
}()

// strayEnvKeys returns the names of env (NAME=value) that are keys of the
// config's top level: written after [env], they landed in it.
func strayEnvKeys(env []string) []string {
	var out []string
	for _, kv := range env {
		if name, _, _ := strings.Cut(kv, "="); topLevelKeys[name] {
			out = append(out, name)
		}
	}
	return out
}

// strayEnvWarning is what serve logs and check lists of such a name.
func strayEnvWarning(name string) string {
	return fmt.Sprintf("[env] %s: a key of the config's top level, written below [env], is an [env] variable in TOML and sets nothing: move it above the first [table]", name)
}

// Config is what `menshen serve` was given. Zero values mean the default
// stated on each field. Set records which fields were given explicitly on the
// command line (by flag name), so that the config file does not override
// them (CONTRACT §7).
type Config struct {
	Listen      string        // public listener; default 127.0.0.1:8080
	Admin       string        // admin listener; default 127.0.0.1:8081; "off" disables
	AdminToken  string        // required on admin requests when Admin is not loopback
	Scripts     string        // script directory; default ./scripts
	Prefix      string        // URL prefix; default /cgi-bin/
	Mode        Mode          // default mode; default cgi
	Isolation   string        // Perl runner default isolation; default auto
	ConfigFile  string        // optional TOML file
	Timeout     time.Duration // per request; default 60s
	MaxProcs    int           // CGI processes alive at once; default 4×CPUs
	Queue       int           // waiters before 503; 0 = none wait (menshen serve passes its default, 256)
	Workers     int           // FastCGI workers per script; default CPUs
	MinWorkers  int           // warm workers per script; default 0
	IdleTimeout time.Duration // default 5m
	MaxRequests int           // recycle a worker after this many; 0 = never (menshen serve passes its default, 10000)
	MaxBody     int64         // default 64 MiB
	Path        string        // PATH for scripts; default cgi.DefaultPath
	PassAuth    bool          // pass Authorization to scripts; default false
	// BusyPoll is how long a read of a FastCGI worker's answer or of a
	// client's next request polls before it sleeps, while processors are
	// idle (busypoll.go); default DefaultBusyPoll, negative: never.
	BusyPoll time.Duration
	// Logger receives every log line. Add its hooks before New. Without
	// hooks the access lines are written to its Out directly, not under
	// logrus's lock: Out must then be safe for concurrent writes of whole
	// lines (a file, os.Stderr, menshen's batch writer).
	Logger *logrus.Logger
	Set    map[string]bool
	// Sources names where a setting in Set came from, for messages:
	// "MENSHEN_WORKERS" for a variable. Without one, "--" and its name.
	Sources map[string]string
}

// source is where the setting flag came from (Sources).
func (c Config) source(flag string) string {
	if s := c.Sources[flag]; s != "" {
		return s
	}
	return "--" + flag
}

// withDefaults fills zero fields with their defaults.
func (c Config) withDefaults() Config {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&c.Listen, "127.0.0.1:8080")
	def(&c.Admin, "127.0.0.1:8081")
	def(&c.Scripts, "./scripts")
	def(&c.Prefix, "/cgi-bin/")
	def(&c.Isolation, IsolationAuto)
	if c.Mode == "" {
		c.Mode = ModeCGI
	}
	if c.Timeout <= 0 {
		c.Timeout = 60 * time.Second
	}
	if c.MaxProcs <= 0 {
		c.MaxProcs = 4 * runtime.NumCPU()
	}
	if c.Queue < 0 {
		c.Queue = 0
	}
	if c.Workers <= 0 {
		c.Workers = runtime.NumCPU()
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 5 * time.Minute
	}
	if c.MaxRequests < 0 {
		c.MaxRequests = 0
	}
	if c.BusyPoll == 0 {
		c.BusyPoll = DefaultBusyPoll
	}
	if c.MaxBody <= 0 {
		c.MaxBody = 64 << 20
	}
	if c.Logger == nil {
		c.Logger = logrus.New()
	}
	if c.Set == nil {
		c.Set = map[string]bool{}
	}
	if !strings.HasPrefix(c.Prefix, "/") {
		c.Prefix = "/" + c.Prefix
	}
	if !strings.HasSuffix(c.Prefix, "/") {
		c.Prefix += "/"
	}
	return c
}

// duration is a TOML string in Go duration syntax ("60s", "5m").
type duration struct{ time.Duration }

func (d *duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		// In the words of the flags' message (cmd/menshen's flagError),
		// not the time package's.
		if _, ferr := strconv.ParseFloat(string(b), 64); ferr == nil {
			return fmt.Errorf("%q: a duration needs a unit, e.g. %q", b, string(b)+"s")
		}
		return fmt.Errorf("%q is not a duration (a number with a unit, e.g. \"90s\", \"1m30s\", \"2h\")", b)
	}
	// A negative one is reported by validate, with the other problems.
	d.Duration = v
	return nil
}

// ParseBytes reads a size such as "1048576", "64MiB", "512KiB", "1GiB" (also KB/MB/GB as
// powers of 1024, as Apache's LimitRequestBody users expect of them).
func ParseBytes(s string) (int64, error) {
	n, err := parseSize(s)
	if err == nil && n <= 0 {
		err = fmt.Errorf("%q is not a positive size (bytes, or a number with KiB, MiB or GiB)", s)
	}
	if err != nil {
		return 0, err
	}
	return n, nil
}

// parseSize is ParseBytes but for a size that is not positive ("0",
// "-1MiB"), which it returns as it is: the config file reports that one
// with its other problems (validate), where a text that is no size at all
// stops the decoder, as a duration that is none does.
func parseSize(s string) (int64, error) {
	orig := s
	s = strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	switch {
	case err != nil:
		return 0, fmt.Errorf("%q is not a positive size (bytes, or a number with KiB, MiB or GiB)", orig)
	case n > math.MaxInt64/mult:
		// (n * mult would wrap, to a negative limit or a small one.)
		return 0, fmt.Errorf("%q is too large a size", orig)
	case n < math.MinInt64/mult:
		// Not positive either way; the product would wrap to one.
		return math.MinInt64, nil
	}
	return n * mult, nil
}

// byteSize is a TOML size: an integer of bytes, or a string such as
// "64MiB", as --max-body takes.
type byteSize int64

func (b *byteSize) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case int64:
		// One that is not positive is reported by validate, with the
		// other problems (as queue = -1 is).
		*b = byteSize(v)
		return nil
	case string:
		n, err := parseSize(v)
		*b = byteSize(n)
		return err
	}
	return fmt.Errorf("want a size such as 1048576 or \"64MiB\", not %s", valueType(v))
}

// valueType names the TOML type of a value the decoder read (into an
// any), for messages: the decoder's own names the Go type.
func valueType(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case time.Time:
		return "a date-time"
	case map[string]any:
		return "a table"
	case []map[string]any:
		return "an array of tables"
	case []any:
		return "an array"
	}
	return "a value of another type"
}

// metaType is valueType for a type as toml.MetaData.Type names it.
func metaType(t string) string {
	switch t {
	case "String":
		return "a string"
	case "Integer":
		return "an integer"
	case "Float":
		return "a float"
	case "Bool":
		return "a boolean"
	case "Datetime":
		return "a date-time"
	case "Hash":
		return "a table"
	case "ArrayHash":
		return "an array of tables"
	case "Array":
		return "an array"
	}
	return strings.ToLower(t)
}

// fileConfig is the TOML schema of CONTRACT §7. Every key is optional.
type fileConfig struct {
	Mode        string                `toml:"mode"`
	Isolation   string                `toml:"isolation"`
	Timeout     *duration             `toml:"timeout"`
	MaxProcs    *int                  `toml:"max_procs"`
	Queue       *int                  `toml:"queue"`
	Workers     *int                  `toml:"workers"`
	MinWorkers  *int                  `toml:"min_workers"`
	IdleTimeout *duration             `toml:"idle_timeout"`
	MaxRequests *int                  `toml:"max_requests"`
	MaxBody     *byteSize             `toml:"max_body"`
	Path        string                `toml:"path"`
	PassAuth    *bool                 `toml:"pass_authorization"`
	Env         map[string]string     `toml:"env"`
	Wrapper     []fileWrapper         `toml:"wrapper"`
	Script      map[string]fileScript `toml:"script"`
	Mount       []fileMount           `toml:"mount"`

	path string // where it was read, for messages
	data []byte // its text, to find the line of a problem
}

type fileWrapper struct {
	Ext     string   `toml:"ext"`
	Command string   `toml:"command"`
	Args    []string `toml:"args"`
}

type fileScript struct {
	Mode       string            `toml:"mode"`
	Isolation  string            `toml:"isolation"`
	Workers    *int              `toml:"workers"`
	MinWorkers *int              `toml:"min_workers"`
	Capacity   *int              `toml:"capacity"`
	Timeout    *duration         `toml:"timeout"`
	Env        map[string]string `toml:"env"`
}

type fileMount struct {
	Prefix string `toml:"prefix"`
	Dir    string `toml:"dir"`
	Mode   string `toml:"mode"`
}

// loadFile reads and validates a config file. The error names the file
// and, where it can be told, the line of the first problem; loadFileAll
// gives every problem.
func loadFile(path string) (*fileConfig, error) {
	fc, errs := loadFileAll(path)
	if len(errs) > 0 {
		return nil, errs[0]
	}
	return fc, nil
}

// tableHeader reports whether line (from 1) of data is a table header
// ("[env", "[[wrapper]]"): the key the decoder read last is then the
// table before's, no context for the error.
func tableHeader(data []byte, line int) bool {
	lines := bytes.Split(data, []byte("\n"))
	return line >= 1 && line <= len(lines) && bytes.HasPrefix(bytes.TrimSpace(lines[line-1]), []byte("["))
}

// loadFileAll reads and validates a config file and returns every problem
// it finds, in the order of their lines, each an ErrConfig error naming
// the file and line. A file that does not decode gives one error (the
// decoder stops at the first) and no config; one that decodes is returned
// even with problems, for Check to look further.
func loadFileAll(path string) (*fileConfig, []error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, []error{fmt.Errorf("%w: read %q: %w", ErrConfig, path, err)}
	}
	fc := &fileConfig{path: path, data: data}
	// Decoded without the schema first: a file that is no TOML fails
	// here, and one that is can have its values' types checked in the
	// file's terms, and in the order of its lines (typeProblems).
	var raw map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		return nil, []error{decodeError(path, data, err)}
	}
	if errs := typeProblems(raw); len(errs) > 0 {
		// A value of the wrong type stops the reading, as the decoder
		// stops at it: the first one, by its line.
		first := errs[0]
		for _, e := range errs[1:] {
			if n, f := fc.line(e), fc.line(first); n > 0 && (f == 0 || n < f) {
				first = e
			}
		}
		return nil, []error{fc.at(first)}
	}
	md, err := toml.Decode(string(data), fc)
	if err != nil {
		// (A type typeProblems does not know of.)
		return nil, []error{decodeError(path, data, err)}
	}
	var errs []error
	notTable := notTables(md)
	errs = append(errs, notTable...)
	undecoded := map[string]bool{}
	for _, e := range notTable {
		var ke *keyError
		if errors.As(e, &ke) {
			undecoded[ke.key.String()] = true // (its keys are said with it)
		}
	}
	for _, k := range md.Undecoded() {
		if len(k) > 1 && undecoded[k[:len(k)-1].String()] {
			// A key of an unknown table, or of a table written as
			// something else: one problem, said once.
			undecoded[k.String()] = true
			continue
		}
		undecoded[k.String()] = true
		err := fmt.Errorf("unknown key %q", k.String())
		if len(k) >= 3 && k[0] == "script" && md.Type(k...) == "Hash" {
			// [script.env.pl]: TOML's dots part the name, and the file's
			// extension became a key of the script "env".
			err = fmt.Errorf("%w: a script's path with a dot is quoted, [script.%q]", err, strings.Join(k[1:len(k)-1], ".")+"."+k[len(k)-1])
		}
		errs = append(errs, &keyError{key: k, err: err})
	}
	errs = append(errs, miscasedKeys(md.Keys(), undecoded, func(k toml.Key) int { return keyLine(data, k) })...)
	errs = append(errs, fc.validate()...)
	errs = append(errs, fc.emptyNames(md)...)
	if len(errs) == 0 {
		return fc, nil
	}
	lined := make([]lineError, len(errs))
	for i, e := range errs {
		lined[i] = lineError{fc.line(e), fc.at(e)}
	}
	sort.SliceStable(lined, func(i, j int) bool {
		a, b := lined[i].line, lined[j].line
		return a != 0 && (b == 0 || a < b)
	})
	out := make([]error, len(lined))
	for i, l := range lined {
		out[i] = l.err
	}
	return fc, out
}

// decodeError is the one error of a file the decoder refused, naming
// the file and, where the error tells it, the line.
func decodeError(path string, data []byte, err error) error {
	var pe toml.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("%w: %s: %w", ErrConfig, shownPath(path), err)
	}
	msg := pe.Message
	line := pe.Position.Line
	if at := pe.Position.Start; at >= 0 && at < len(data) {
		// The decoder counts the newline a bad table header
		// ends at ("[env") as the next line's: its offset says.
		line = 1 + bytes.Count(data[:at], []byte("\n"))
	}
	if pe.LastKey != "" && !strings.Contains(msg, "'"+pe.LastKey+"'") && !tableHeader(data, line) {
		msg = pe.LastKey + ": " + msg // (a value its type refused: timeout = "soon")
	}
	return fmt.Errorf("%w: %s line %d: %s", ErrConfig, shownPath(path), line, msg)
}

// shownPath is a file name as messages show it: escaped as /status
// escapes a script's name (scriptName), so that a name holding a newline
// or a terminal's escape sequence leaves each message one line (C1), and
// shows what it holds.
func shownPath(p string) string { return scriptName(p) }

// notTables reports the keys that must be tables and are not: the decoder
// leaves a map untouched when given a plain value, so that `env =
// "FOO=1"` (systemd's Environment= form) set nothing, without a word.
func notTables(md toml.MetaData) []error {
	var errs []error
	// (The decoder types a table holding an empty key, [env] then
	// "" = "x", as a string: a table is also what has keys under it.)
	parents := map[string]bool{}
	for _, k := range md.Keys() {
		if len(k) > 1 {
			parents[k[:len(k)-1].String()] = true
		}
	}
	reported := map[string]bool{}
	for _, k := range md.Keys() {
		t := md.Type(k...)
		// An array of tables ([[env]]) has keys under it too, and the
		// decoder leaves a map untouched when given one.
		if parents[k.String()] && t != "ArrayHash" || len(k) > 1 && reported[k[:len(k)-1].String()] {
			continue
		}
		table := len(k) == 1 && (k[0] == "env" || k[0] == "script") ||
			len(k) == 2 && k[0] == "script" ||
			len(k) == 3 && k[0] == "script" && k[2] == "env"
		if !table || t == "Hash" {
			continue
		}
		not := metaType(t)
		if t == "ArrayHash" {
			not += " ([[" + k.String() + "]])"
		}
		errs = append(errs, &keyError{key: k, err: fmt.Errorf("%s: want a table (%s), not %s", k, tableForm(k), not)})
		reported[k.String()] = true
	}
	return errs
}

// tableForm shows how table k is written.
func tableForm(k toml.Key) string {
	switch {
	case len(k) == 1 && k[0] == "env":
		return "[env] then NAME = \"value\" lines"
	case len(k) == 1:
		return "[script.\"name\"] headers"
	case len(k) == 2:
		return "[script." + strconv.Quote(k[1]) + "] then its keys"
	}
	return "env = { NAME = \"value\" }"
}

// typeProblems lists the values of raw, the file decoded without the
// schema, of a type their key does not take (workers = "4", [mount] for
// [[mount]], an env value that is no string), each said in the file's
// terms: the decoder's own message names Go types (map[string]any,
// gateway.fileScript), and of several it reports whichever its walk of a
// map met first. A plain value where a map belongs (env = "A=1") is left
// to notTables, as the decoder takes it (setting nothing); unknown keys to
// the check of the undecoded ones.
func typeProblems(raw map[string]any) []error {
	var errs []error
	walkTypes(raw, reflect.TypeFor[fileConfig](), nil, 0, &errs)
	return errs
}

// walkTypes adds to errs the problems of typeProblems in v, the value of
// key (in [[array]] entry number entry, from 1, when not 0), which the
// schema decodes into a t.
func walkTypes(v any, t reflect.Type, key toml.Key, entry int, errs *[]error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	name := keyLabel(key, entry)
	bad := func(format string, a ...any) {
		*errs = append(*errs, &keyError{key: slices.Clone(key), entry: entry, err: fmt.Errorf(format, a...)})
	}
	var last toml.Key
	if len(key) > 0 {
		last = toml.Key{key[len(key)-1]} // as written in the file, quoted if need be
	}
	switch u := reflect.New(t).Interface().(type) {
	case toml.Unmarshaler:
		// The type's own message (byteSize).
		if err := u.UnmarshalTOML(v); err != nil {
			bad("%s: %w", name, err)
		}
		return
	case encoding.TextUnmarshaler:
		// A duration, the schema's only one. The decoder gives it a
		// string as it is, an integer in digits (timeout = 0 is a
		// duration, refused by validate as any other that is not
		// positive).
		switch v := v.(type) {
		case string:
			if err := u.UnmarshalText([]byte(v)); err != nil {
				bad("%s: %w", name, err)
			}
		case int64:
			if u.UnmarshalText([]byte(strconv.FormatInt(v, 10))) != nil {
				bad("%s: want a duration in quotes, with its unit: %s = \"%ds\"", name, last, v)
			}
		default:
			bad("%s: want a duration such as \"60s\" or \"5m\", not %s", name, valueType(v))
		}
		return
	}
	switch t.Kind() {
	case reflect.String:
		if _, ok := v.(string); ok {
			return
		}
		lit, scalar := tomlLiteral(v)
		switch {
		case !isEnvValue(key):
			bad("%s: want a string (in quotes), not %s", name, valueType(v))
		case scalar:
			bad("%senv values are strings: %s = %q", scriptOf(key), last, lit)
		default:
			bad("%senv values are strings: %s is %s", scriptOf(key), last, valueType(v))
		}
	case reflect.Int:
		if _, ok := v.(int64); ok {
			return
		}
		hint := ""
		switch v := v.(type) {
		case string:
			if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
				hint = fmt.Sprintf(": %s = %d, without quotes", last, n)
			}
		case float64:
			if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
				hint = fmt.Sprintf(": %s = %d", last, int64(v))
			}
		}
		bad("%s: want an integer, not %s%s", name, valueType(v), hint)
	case reflect.Bool:
		if _, ok := v.(bool); ok {
			return
		}
		hint := ""
		if s, ok := v.(string); ok && (s == "true" || s == "false") {
			hint = fmt.Sprintf(": %s = %s, without quotes", last, s)
		}
		bad("%s: want true or false, not %s%s", name, valueType(v), hint)
	case reflect.Slice:
		var elems []any
		switch v := v.(type) {
		case []any:
			elems = v
		case []map[string]any:
			for _, e := range v {
				elems = append(elems, e)
			}
		default:
			if t.Elem().Kind() == reflect.Struct {
				bad("%s is an array of tables, not %s: write [[%s]] above the keys of each one", name, valueType(v), name)
			} else {
				bad("%s: want an array of strings, not %s (%s = [\"a\", \"b\"])", name, valueType(v), last)
			}
			return
		}
		for i, e := range elems {
			if t.Elem().Kind() == reflect.Struct {
				if _, ok := e.(map[string]any); !ok {
					bad("%s is an array of tables, not an array holding %s: write [[%s]] above the keys of each one", name, valueType(e), name)
					return
				}
				walkTypes(e, t.Elem(), key, i+1, errs)
			} else if _, ok := e.(string); !ok {
				bad("%s: want an array of strings, not one holding %s", name, valueType(e))
				return
			}
		}
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			return // (notTables)
		}
		for _, k := range sortedKeys(m) {
			walkTypes(m[k], t.Elem(), append(slices.Clip(key), k), entry, errs)
		}
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			// A value in [script] (the only map of tables) that is
			// no table: most likely a script's key written under
			// [script] itself.
			if len(key) == 2 && key[0] == "script" && isField(reflect.TypeFor[fileScript](), key[1]) {
				keys := "its keys"
				if lit, ok := tomlLiteral(v); ok {
					keys = fmt.Sprintf("%s = %s", last, lit)
				}
				bad("[script] holds one table per script, not a script's keys: write [script.\"PATH\"] (PATH: the script's path under the scripts directory, like \"sub/report.pl\"), then %s below it", keys)
			} else {
				bad("%s: want a table, not %s: write [%s], then its keys below it (mode = \"fastcgi\")", name, valueType(v), key)
			}
			return
		}
		for _, k := range sortedKeys(m) {
			if _, ft, _, ok := tomlField(t, k); ok {
				walkTypes(m[k], ft, append(slices.Clip(key), k), entry, errs)
			}
		}
	}
}

// isField reports whether name is a key of struct t.
func isField(t reflect.Type, name string) bool {
	_, _, _, ok := tomlField(t, name)
	return ok
}

// keyLabel names key (in [[array]] entry number entry, from 1, when not
// 0) in a message, as validate's messages do: "workers", `script "a.pl":
// timeout`, "wrapper 2: args".
func keyLabel(key toml.Key, entry int) string {
	switch {
	case entry > 0 && len(key) > 1:
		return fmt.Sprintf("%s %d: %s", key[0], entry, key[1:])
	case entry > 0:
		return fmt.Sprintf("%s %d", key[0], entry)
	case len(key) > 2 && key[0] == "script":
		return fmt.Sprintf("script %q: %s", key[1], key[2:])
	case len(key) == 2 && key[0] == "script":
		return fmt.Sprintf("script %q", key[1])
	}
	return key.String()
}

// isEnvValue reports whether key is a variable of [env] or of a script's
// env.
func isEnvValue(key toml.Key) bool {
	return len(key) == 2 && key[0] == "env" || len(key) == 4 && key[0] == "script" && key[2] == "env"
}

// scriptOf is the start of a message about key of a [script."x"] table,
// naming the script, or "".
func scriptOf(key toml.Key) string {
	if len(key) > 2 && key[0] == "script" {
		return fmt.Sprintf("script %q: ", key[1])
	}
	return ""
}

// tomlLiteral writes a value of the file back in TOML, for a line a
// message suggests: a number or boolean as the file wrote it, a string
// that prints (else it is left out).
func tomlLiteral(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return strconv.Quote(v), !strings.ContainsFunc(v, func(r rune) bool { return !strconv.IsPrint(r) })
	case int64:
		return strconv.FormatInt(v, 10), true
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64), true
	case bool:
		return strconv.FormatBool(v), true
	}
	return "", false
}

type lineError struct {
	line int
	err  error
}

// line is the line of the file a problem is about, or 0.
func (fc *fileConfig) line(err error) int {
	var ke *keyError
	if !errors.As(err, &ke) {
		return 0
	}
	if ke.entry > 0 {
		if n := entryLine(fc.data, ke.key[0], ke.entry-1, ke.key[1:]); n > 0 {
			return n
		}
		// An entry of an inline array (wrapper = [{ ... }]): the
		// array's line.
	}
	return keyLine(fc.data, ke.key)
}

// at makes err an ErrConfig error naming the file and, if known, the line.
func (fc *fileConfig) at(err error) error {
	if n := fc.line(err); n > 0 {
		return fmt.Errorf("%w: %s line %d: %w", ErrConfig, shownPath(fc.path), n, err)
	}
	return fmt.Errorf("%w: %s: %w", ErrConfig, shownPath(fc.path), err)
}

// entryLine returns the line of key in the i-th (from 0) [[array]] entry
// of a TOML document, else the line of that entry's header, else 0.
func entryLine(data []byte, array string, i int, key []string) int {
	header, n := 0, -1
	for ln, raw := range strings.Split(string(data), "\n") {
		line := strings.TrimSpace(raw)
		if strings.HasPrefix(line, "[") {
			if n == i {
				break // the next table: the key is not in the entry
			}
			if strings.HasPrefix(line, "[[") {
				if end := indexUnquoted(line[2:], ']'); end >= 0 && slices.Equal(splitDotted(line[2:2+end]), []string{array}) {
					n++
					if n == i {
						header = ln + 1
					}
				}
			}
			continue
		}
		if n != i || len(key) == 0 || line == "" || line[0] == '#' {
			continue
		}
		if eq := indexUnquoted(line, '='); eq > 0 && slices.Equal(splitDotted(line[:eq]), key) {
			return ln + 1
		}
	}
	return header
}

// keyLine returns the line (1-based) that defines key in a TOML document:
// the first "name = value" line or table header whose full dotted path is
// key, else the first line defining its nearest ancestor, else 0. It follows
// [table] and [[array]] headers and reads dotted and quoted names; that is
// all an error message needs, so it does not parse values.
func keyLine(data []byte, key toml.Key) int {
	best, bestLen := 0, 0
	var table []string
	for i, raw := range strings.Split(string(data), "\n") {
		line := strings.TrimSpace(raw)
		var path []string
		switch {
		case line == "" || line[0] == '#':
			continue
		case line[0] == '[':
			name := strings.TrimPrefix(strings.TrimPrefix(line, "["), "[")
			end := indexUnquoted(name, ']')
			if end < 0 {
				continue
			}
			table = splitDotted(name[:end])
			path = table
		default:
			eq := indexUnquoted(line, '=')
			if eq <= 0 {
				continue
			}
			path = append(append([]string(nil), table...), splitDotted(line[:eq])...)
		}
		n := 0
		for n < len(path) && n < len(key) && path[n] == key[n] {
			n++
		}
		switch {
		case n == 0 || n < len(path):
			// This line defines something else.
		case n == len(key):
			return i + 1
		case n > bestLen:
			best, bestLen = i+1, n
		}
	}
	return best
}

// indexUnquoted returns the index of the first c in s outside a TOML
// quoted string, or -1.
func indexUnquoted(s string, c byte) int {
	var quote byte
	for i := 0; i < len(s); i++ {
		switch {
		case quote == '"' && s[i] == '\\':
			i++
		case quote != 0:
			if s[i] == quote {
				quote = 0
			}
		case s[i] == '"' || s[i] == '\'':
			quote = s[i]
		case s[i] == c:
			return i
		}
	}
	return -1
}

// splitDotted splits a TOML key such as `script."sub/report.pl".mode` into
// its parts, unquoted.
func splitDotted(k string) []string {
	var parts []string
	for {
		dot := indexUnquoted(k, '.')
		part := k
		if dot >= 0 {
			part = k[:dot]
		}
		part = strings.TrimSpace(part)
		if n := len(part); n >= 2 && part[0] == '\'' && part[n-1] == '\'' {
			part = part[1 : n-1]
		} else if u, err := strconv.Unquote(part); err == nil && part[0] == '"' {
			part = u
		}
		parts = append(parts, part)
		if dot < 0 {
			return parts
		}
		k = k[dot+1:]
	}
}

// miscasedKeys refuses the keys the decoder took in another case than the
// schema's (`Mode`, `[Env]`, `MAX_BODY`): it matches struct fields without
// regard to case, but TOML keys are case-sensitive, and a file holding
// both `mode` and `Mode` got either value, from one load to the next.
// Keys of the free tables ([env], the script names of [script."x"]) are
// the file's own. One error per miscased key, not per key below it.
func miscasedKeys(keys []toml.Key, undecoded map[string]bool, line func(toml.Key) int) []error {
	var errs []error
	seen := map[string]*keyError{}
	for _, k := range keys {
		if undecoded[k.String()] {
			continue
		}
		t := reflect.TypeOf(fileConfig{})
		for i, name := range k {
			for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
				t = t.Elem()
			}
			if t.Kind() == reflect.Map {
				t = t.Elem() // a name of the file's own
				continue
			}
			if t.Kind() != reflect.Struct {
				break
			}
			f, ft, exact, ok := tomlField(t, name)
			if !ok {
				break // (the decoder's own unknown key)
			}
			if !exact {
				bad := k[:i+1]
				switch e := seen[bad.String()]; {
				case e == nil:
					e = &keyError{key: k, err: fmt.Errorf("unknown key %q: keys are case-sensitive (%q)", bad.String(), f)}
					seen[bad.String()] = e
					errs = append(errs, e)
				case line(e.key) == 0:
					// A table only a longer key's header names
					// ([Script."x"]): its line is that header's.
					e.key = k
				}
				break
			}
			t = ft
		}
	}
	return errs
}

// tomlField finds the field of struct t that the key name decodes into, and
// returns its key as the schema spells it, its type, and whether name is
// that spelling.
func tomlField(t reflect.Type, name string) (key string, typ reflect.Type, exact, ok bool) {
	for i := 0; i < t.NumField(); i++ {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("toml"), ",")
		if tag == "" || tag == "-" {
			continue
		}
		if tag == name {
			return tag, t.Field(i).Type, true, true
		}
		if strings.EqualFold(tag, name) {
			key, typ, ok = tag, t.Field(i).Type, true
		}
	}
	return key, typ, false, ok
}

// keyError is a validation error about one key, so that loadFile can name
// its line. For a key of an [[array]] entry, key[0] is the array and entry
// the entry's number from 1.
type keyError struct {
	key   toml.Key
	entry int
	err   error
}

func (e *keyError) Error() string { return e.err.Error() }
func (e *keyError) Unwrap() error { return e.err }

// atKey ties err to key for the line number in the message.
func atKey(err error, key ...string) error { return &keyError{key: key, err: err} }

// atEntry ties err to a key of the i-th (from 0) entry of an [[array]].
func atEntry(err error, array string, i int, key ...string) error {
	return &keyError{key: append(toml.Key{array}, key...), entry: i + 1, err: err}
}

// emptyNames reports the keys given an empty string where a name is
// wanted (mode = "", as --mode "" is refused): the decoder leaves the
// field as if the key were absent, and the default applied without a word.
func (fc *fileConfig) emptyNames(md toml.MetaData) []error {
	var errs []error
	check := func(v, what string, key ...string) {
		if v == "" && md.IsDefined(key...) {
			errs = append(errs, atKey(fmt.Errorf("%s: empty value (leave the key out for the default)", what), key...))
		}
	}
	check(fc.Mode, "mode", "mode")
	check(fc.Isolation, "isolation", "isolation")
	check(fc.Path, "path", "path")
	for _, name := range sortedKeys(fc.Script) {
		check(fc.Script[name].Mode, fmt.Sprintf("script %q: mode", name), "script", name, "mode")
		check(fc.Script[name].Isolation, fmt.Sprintf("script %q: isolation", name), "script", name, "isolation")
	}
	return errs
}

func (fc *fileConfig) validate() []error {
	var errs []error
	add := func(err error) { errs = append(errs, err) }
	if fc.Mode != "" {
		if _, err := ParseMode(fc.Mode); err != nil {
			add(atKey(err, "mode"))
		}
	}
	if fc.Isolation != "" {
		if _, err := parseIsolation(fc.Isolation); err != nil {
			add(atKey(err, "isolation"))
		}
	}
	// The same bounds as the flags of the same names.
	for _, n := range []struct {
		key      string
		v        *int
		positive bool
	}{{"max_procs", fc.MaxProcs, true}, {"queue", fc.Queue, false}, {"workers", fc.Workers, true}, {"min_workers", fc.MinWorkers, false}, {"max_requests", fc.MaxRequests, false}} {
		switch {
		case n.v == nil:
		case n.positive && *n.v <= 0:
			add(atKey(fmt.Errorf("%s %d: must be positive", n.key, *n.v), n.key))
		case *n.v < 0:
			add(atKey(fmt.Errorf("%s %d: must not be negative", n.key, *n.v), n.key))
		}
	}
	if fc.MaxBody != nil && *fc.MaxBody <= 0 {
		add(atKey(fmt.Errorf("max_body %d: must be a positive size", *fc.MaxBody), "max_body"))
	}
	for _, d := range []struct {
		key string
		v   *duration
	}{{"timeout", fc.Timeout}, {"idle_timeout", fc.IdleTimeout}} {
		if d.v != nil && d.v.Duration <= 0 {
			add(atKey(fmt.Errorf("%s %q: must be positive", d.key, d.v.Duration), d.key))
		}
	}
	for _, k := range sortedKeys(fc.Env) {
		if why, _ := envProblem(k, fc.Env[k]); why != "" {
			add(atKey(errors.New(why), "env", k))
		}
	}
	if strings.IndexByte(fc.Path, 0) >= 0 {
		add(atKey(errors.New("path: the value holds a NUL byte, which no environment variable can"), "path"))
	}
	exts := map[string]int{}
	for i, w := range fc.Wrapper {
		if !strings.HasPrefix(w.Ext, ".") || len(w.Ext) < 2 {
			add(atEntry(fmt.Errorf("wrapper %d: ext %q must start with a dot", i+1, w.Ext), "wrapper", i, "ext"))
		} else if strings.ContainsAny(w.Ext[1:], "./") {
			// A file's extension is what follows its last dot: this one
			// would never match.
			add(atEntry(fmt.Errorf("wrapper %d: ext %q: want one extension, like \".php\" (what follows a file's last dot)", i+1, w.Ext), "wrapper", i, "ext"))
		} else if j, dup := exts[strings.ToLower(w.Ext)]; dup {
			// (Else the last one would win without a word.)
			add(atEntry(fmt.Errorf("wrapper %d: ext %q already has wrapper %d", i+1, w.Ext, j+1), "wrapper", i, "ext"))
		} else {
			exts[strings.ToLower(w.Ext)] = i
		}
		if !filepath.IsAbs(w.Command) {
			add(atEntry(fmt.Errorf("wrapper %q: command %q must be an absolute path", w.Ext, w.Command), "wrapper", i, "command"))
		} else if fi, err := os.Stat(w.Command); err != nil || fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
			// Else every file with the extension would be a 500.
			add(atEntry(fmt.Errorf("wrapper %q: command %q is missing or not executable", w.Ext, w.Command), "wrapper", i, "command"))
		}
	}
	var prefixes []string
	for i, m := range fc.Mount {
		if !strings.HasPrefix(m.Prefix, "/") {
			add(atEntry(fmt.Errorf("mount %d: prefix %q must start with /", i+1, m.Prefix), "mount", i, "prefix"))
		} else if why := prefixProblem(strings.TrimSuffix(m.Prefix, "/") + "/"); why != "" {
			add(atEntry(fmt.Errorf("mount %d: prefix %q: %s", i+1, m.Prefix, why), "mount", i, "prefix"))
		} else {
			prefixes = append(prefixes, strings.TrimSuffix(m.Prefix, "/")+"/")
		}
		if m.Dir == "" {
			add(atEntry(fmt.Errorf("mount %q: dir is required", m.Prefix), "mount", i))
		} else if fi, err := os.Stat(m.Dir); err != nil {
			add(atEntry(fmt.Errorf("mount %q: scripts directory %q: %w", m.Prefix, m.Dir, errors.Unwrap(err)), "mount", i, "dir"))
		} else if !fi.IsDir() {
			add(atEntry(fmt.Errorf("mount %q: scripts directory %q is not a directory", m.Prefix, m.Dir), "mount", i, "dir"))
		}
		if m.Mode != "" {
			if _, err := ParseMode(m.Mode); err != nil {
				add(atEntry(fmt.Errorf("mount %q: %w", m.Prefix, err), "mount", i, "mode"))
			}
		}
	}
	for _, name := range sortedKeys(fc.Script) {
		s := fc.Script[name]
		if name == "" || path.Clean(name) != name || strings.HasPrefix(name, "./") {
			// No request's script has such a key: it would never apply.
			add(atKey(fmt.Errorf("script %q: want the script's clean path, like \"sub/report.pl\" (no empty, . or .. parts)", name), "script", name))
		} else if slices.Contains(strings.Split(name, "/"), "..") || strings.HasPrefix(name, "/") && !slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(name, p) && len(name) > len(p) }) {
			add(atKey(fmt.Errorf("script %q: want a path under the scripts directory, like \"sub/report.pl\", or the URL path of a script of a [[mount]], like \"/legacy/x.pl\"", name), "script", name))
		}
		if s.Mode != "" {
			if _, err := ParseMode(s.Mode); err != nil {
				add(atKey(fmt.Errorf("script %q: %w", name, err), "script", name, "mode"))
			}
		}
		if s.Isolation != "" {
			if _, err := parseIsolation(s.Isolation); err != nil {
				add(atKey(fmt.Errorf("script %q: %w", name, err), "script", name, "isolation"))
			}
		}
		if s.Workers != nil && *s.Workers < 0 {
			// (0 is the default: --workers, or the file's workers.)
			add(atKey(fmt.Errorf("script %q: workers %d: must not be negative", name, *s.Workers), "script", name, "workers"))
		}
		if s.Capacity != nil && (*s.Capacity < 1 || *s.Capacity > fastcgi.MaxCapacity) {
			add(atKey(fmt.Errorf("script %q: capacity %d: want 1 to %d", name, *s.Capacity, fastcgi.MaxCapacity), "script", name, "capacity"))
		}
		if s.MinWorkers != nil && *s.MinWorkers < 0 {
			add(atKey(fmt.Errorf("script %q: negative min_workers", name), "script", name, "min_workers"))
		}
		if s.MinWorkers != nil && s.Workers != nil && *s.Workers > 0 && *s.MinWorkers > *s.Workers {
			add(atKey(fmt.Errorf("script %q: min_workers %d more than its workers %d", name, *s.MinWorkers, *s.Workers), "script", name, "min_workers"))
		}
		if s.Timeout != nil && s.Timeout.Duration <= 0 {
			add(atKey(fmt.Errorf("script %q: timeout must be positive", name), "script", name, "timeout"))
		}
		for _, k := range sortedKeys(s.Env) {
			if why, ofValue := envProblem(k, s.Env[k]); why != "" {
				key := toml.Key{"script", name, "env"}
				if ofValue {
					key = append(key, k)
				}
				add(atKey(fmt.Errorf("script %q: %s", name, why), key...))
			}
		}
	}
	return errs
}

// envProblem says what is wrong with the configured variable k=v, or "";
// ofValue tells a problem of the value from one of the name.
func envProblem(k, v string) (why string, ofValue bool) {
	switch {
	case k == "":
		return `env name "": empty`, false
	case k[0] >= '0' && k[0] <= '9' && validEnvName("_"+k):
		// (The shells' rule: sh would read 1X=y as a command.)
		return fmt.Sprintf("env name %q: must not start with a digit", k), false
	case !validEnvName(k):
		return fmt.Sprintf("env name %q: letters, digits and _ only", k), false
	}
	if why := requestVar(k); why != "" {
		return fmt.Sprintf("env name %q: %s", k, why), false
	}
	if strings.IndexByte(v, 0) >= 0 {
		// No environment can hold it: every script would fail to start.
		return fmt.Sprintf("env %s: the value holds a NUL byte, which no environment variable can", k), true
	}
	return "", false
}

// sortedKeys returns m's keys in order, so that the first of several
// problems is always the same one.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// requestVar says why the configured environment may not set k, or "":
// the meta-variables describe each request (C4), and are the gateway's to
// set from it, as Apache's own override SetEnv's; a request header's
// HTTP_* name is the client's (and HTTP_PROXY nobody's: httpoxy). PATH
// (the path key does the same), HTTPS (behind a TLS-terminating proxy, as
// with Apache's SetEnv) and any other name are free.
func requestVar(k string) string {
	switch k {
	case "GATEWAY_INTERFACE", "SERVER_SOFTWARE", "SERVER_PROTOCOL", "SERVER_NAME", "SERVER_ADDR", "SERVER_PORT",
		"REQUEST_METHOD", "REQUEST_URI", "REQUEST_SCHEME", "QUERY_STRING", "SCRIPT_NAME", "SCRIPT_FILENAME",
		"DOCUMENT_ROOT", "CONTEXT_PREFIX", "CONTEXT_DOCUMENT_ROOT", "PATH_INFO", "PATH_TRANSLATED", "REMOTE_ADDR", "REMOTE_PORT", "REMOTE_HOST",
		"REMOTE_IDENT", "REMOTE_USER", "AUTH_TYPE", "CONTENT_LENGTH", "CONTENT_TYPE":
		return "set from each request (RFC 3875), not configurable"
	case "HTTP_PROXY":
		return "never passed to scripts (httpoxy); for an outbound proxy set http_proxy or CGI_HTTP_PROXY"
	}
	switch {
	case strings.HasPrefix(k, "HTTP_"):
		return "the name of a request header's variable, set from the request"
	case strings.HasPrefix(k, "REDIRECT_") && k != "REDIRECT_STATUS":
		// (REDIRECT_STATUS is what php-cgi setups elsewhere configure by
		// hand; menshen gives it to wrappers already.)
		return "set for the target of a local redirect"
	}
	return ""
}

func validEnvName(k string) bool {
	if k == "" {
		return false
	}
	for i, c := range k {
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func envList(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, k+"="+m[k])
	}
	return out
}
