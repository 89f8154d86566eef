// config.go holds the gateway's settings: command-line values and the
// optional TOML file of CONTRACT §7.

package gateway

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
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
	Queue       int           // waiters before 503; default 256
	Workers     int           // FastCGI workers per script; default CPUs
	MinWorkers  int           // warm workers per script; default 0
	IdleTimeout time.Duration // default 5m
	MaxRequests int           // default 10000
	MaxBody     int64         // default 64 MiB
	Path        string        // PATH for scripts; default cgi.DefaultPath
	PassAuth    bool          // pass Authorization to scripts; default false
	Logger      *logrus.Logger
	Set         map[string]bool
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
		return err
	}
	if v < 0 {
		return fmt.Errorf("negative duration %q", b)
	}
	d.Duration = v
	return nil
}

// fileConfig is the TOML schema of CONTRACT §7. Every key is optional.
type fileConfig struct {
	Mode        string            `toml:"mode"`
	Isolation   string            `toml:"isolation"`
	Timeout     *duration         `toml:"timeout"`
	MaxProcs    *int              `toml:"max_procs"`
	Queue       *int              `toml:"queue"`
	Workers     *int              `toml:"workers"`
	MinWorkers  *int              `toml:"min_workers"`
	IdleTimeout *duration         `toml:"idle_timeout"`
	MaxRequests *int              `toml:"max_requests"`
	MaxBody     *int64            `toml:"max_body"`
	Path        string            `toml:"path"`
	PassAuth    *bool             `toml:"pass_authorization"`
	Env         map[string]string `toml:"env"`
	Wrapper     []fileWrapper     `toml:"wrapper"`
	Script      map[string]fileScript
	Mount       []fileMount `toml:"mount"`
}

type fileWrapper struct {
	Ext     string   `toml:"ext"`
	Command string   `toml:"command"`
	Args    []string `toml:"args"`
}

type fileScript struct {
	Mode       string            `toml:"mode"`
	Isolation  string            `toml:"isolation"`
	Workers    int               `toml:"workers"`
	MinWorkers *int              `toml:"min_workers"`
	Timeout    *duration         `toml:"timeout"`
	Env        map[string]string `toml:"env"`
}

type fileMount struct {
	Prefix string `toml:"prefix"`
	Dir    string `toml:"dir"`
	Mode   string `toml:"mode"`
}

// loadFile reads and validates a config file. Errors name the file and, where
// the TOML decoder or the key lookup can tell, the line.
func loadFile(path string) (*fileConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: read %q: %w", ErrConfig, path, err)
	}
	var fc fileConfig
	md, err := toml.Decode(string(data), &fc)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%w: %s line %d: %s", ErrConfig, path, pe.Position.Line, pe.Message)
		}
		return nil, fmt.Errorf("%w: %s: %w", ErrConfig, path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		k := und[0]
		return nil, fmt.Errorf("%w: %s line %d: unknown key %q", ErrConfig, path, keyLine(data, k[len(k)-1]), k.String())
	}
	if err := fc.validate(); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrConfig, path, err)
	}
	return &fc, nil
}

// keyLine finds the first line that defines key, for error messages.
func keyLine(data []byte, key string) int {
	for i, line := range bytes.Split(data, []byte("\n")) {
		t := strings.TrimSpace(string(line))
		if strings.HasPrefix(t, key) || strings.Contains(t, "."+key) || strings.Contains(t, "\""+key+"\"") || strings.Contains(t, "{ "+key) || strings.Contains(t, ", "+key) {
			return i + 1
		}
	}
	return 0
}

func (fc *fileConfig) validate() error {
	if fc.Mode != "" {
		if _, err := ParseMode(fc.Mode); err != nil {
			return err
		}
	}
	if fc.Isolation != "" {
		if _, err := parseIsolation(fc.Isolation); err != nil {
			return err
		}
	}
	for _, n := range []*int{fc.MaxProcs, fc.Queue, fc.Workers, fc.MinWorkers, fc.MaxRequests} {
		if n != nil && *n < 0 {
			return fmt.Errorf("negative number %d", *n)
		}
	}
	if fc.MaxBody != nil && *fc.MaxBody <= 0 {
		return fmt.Errorf("max_body %d: must be positive", *fc.MaxBody)
	}
	for k := range fc.Env {
		if !validEnvName(k) {
			return fmt.Errorf("env name %q: letters, digits and _ only", k)
		}
	}
	for i, w := range fc.Wrapper {
		if !strings.HasPrefix(w.Ext, ".") || len(w.Ext) < 2 {
			return fmt.Errorf("wrapper %d: ext %q must start with a dot", i+1, w.Ext)
		}
		if !filepath.IsAbs(w.Command) {
			return fmt.Errorf("wrapper %q: command %q must be an absolute path", w.Ext, w.Command)
		}
	}
	for name, s := range fc.Script {
		if strings.HasPrefix(name, "/") || strings.Contains(name, "..") {
			return fmt.Errorf("script %q: want a path under the scripts directory, like \"sub/report.pl\"", name)
		}
		if s.Mode != "" {
			if _, err := ParseMode(s.Mode); err != nil {
				return fmt.Errorf("script %q: %w", name, err)
			}
		}
		if s.Isolation != "" {
			if _, err := parseIsolation(s.Isolation); err != nil {
				return fmt.Errorf("script %q: %w", name, err)
			}
		}
		if s.Workers < 0 {
			return fmt.Errorf("script %q: negative workers", name)
		}
		for k := range s.Env {
			if !validEnvName(k) {
				return fmt.Errorf("script %q: env name %q: letters, digits and _ only", name, k)
			}
		}
	}
	for i, m := range fc.Mount {
		if !strings.HasPrefix(m.Prefix, "/") {
			return fmt.Errorf("mount %d: prefix %q must start with /", i+1, m.Prefix)
		}
		if m.Dir == "" {
			return fmt.Errorf("mount %q: dir is required", m.Prefix)
		}
		if m.Mode != "" {
			if _, err := ParseMode(m.Mode); err != nil {
				return fmt.Errorf("mount %q: %w", m.Prefix, err)
			}
		}
	}
	return nil
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
