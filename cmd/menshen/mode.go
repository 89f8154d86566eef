// mode.go: `menshen mode`, the admin API's client (C30).

package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
)

func modeCommand() *cli.Command {
	return &cli.Command{
		Name:      "mode",
		Usage:     "switch the mode of every script, or of one, on a running gateway",
		ArgsUsage: "cgi|fastcgi [SCRIPT]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "admin", Value: "127.0.0.1:8081", Usage: "admin address of the running gateway", EnvVars: env("admin")},
			&cli.StringFlag{Name: "admin-token", Usage: "admin token, if the gateway requires one", EnvVars: env("admin-token")},
		},
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			started = true
			if c.NArg() < 1 || c.NArg() > 2 {
				return fmt.Errorf("%w: want: menshen mode cgi|fastcgi [SCRIPT]", errUsage)
			}
			mode := c.Args().Get(0)
			if mode != "cgi" && mode != "fastcgi" {
				return fmt.Errorf("%w: mode %q: want cgi or fastcgi", errUsage, mode)
			}
			form := url.Values{"mode": {mode}}
			if c.NArg() == 2 {
				if c.Args().Get(1) == "" {
					// ("$S" with S unset must not switch every script.)
					return fmt.Errorf("%w: empty script name: leave it out to switch every script", errUsage)
				}
				form.Set("script", c.Args().Get(1))
			}
			addr := c.String("admin")
			if addr == "off" {
				return fmt.Errorf("%w: %s: menshen mode talks to the gateway's admin listener; give its address", errUsage, setting(c, "admin", "off"))
			}
			if !strings.Contains(addr, "://") {
				// host:port, as serve's --admin takes it (a bare host
				// would be dialled on port 80)
				if _, _, err := net.SplitHostPort(addr); err != nil {
					return fmt.Errorf("%w: %s: want host:port, as serve's --admin: %w", errUsage, setting(c, "admin", strconv.Quote(addr)), err)
				}
				addr = "http://" + addr
			}
			req, err := http.NewRequestWithContext(c.Context, http.MethodPost, strings.TrimSuffix(addr, "/")+"/mode", strings.NewReader(form.Encode()))
			if err != nil {
				return fmt.Errorf("%w: %s: %w", errUsage, setting(c, "admin", strconv.Quote(c.String("admin"))), err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if t := c.String("admin-token"); t != "" {
				req.Header.Set("Authorization", "Bearer "+t)
			}
			resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
			if err != nil {
				return fmt.Errorf("no gateway answering at %s: %w", c.String("admin"), err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			if resp.StatusCode >= 400 && resp.StatusCode < 500 {
				// The script named, the mode or the token: a bad
				// argument, exit 2 as bench's for a missing script.
				why := strings.TrimSpace(string(body))
				if resp.StatusCode == http.StatusNotFound && !strings.HasPrefix(why, "no such script") {
					// No POST /mode there at all: the public listener,
					// or another server.
					why += fmt.Sprintf(" (is %s menshen's admin listener? it has no POST /mode: give --admin or MENSHEN_ADMIN the gateway's admin address)", c.String("admin"))
				}
				return fmt.Errorf("%w: gateway refused: %s: %s", errUsage, resp.Status, why)
			}
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("gateway refused: %s: %s", resp.Status, strings.TrimSpace(string(body)))
			}
			fmt.Fprint(c.App.Writer, string(body))
			return nil
		},
	}
}
