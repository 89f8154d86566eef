//go:build stress

// Stress and soak runs, outside the default suite and .ci/run:
//
//	go test -tags stress -race -run Stress -v ./gateway/ [-stress.duration 2m]
package gateway

import (
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var stressDuration = flag.Duration("stress.duration", 30*time.Second, "how long each stress test runs")

// TestStress_ToggleReloadUnderLoad hammers a Perl and a shell script with 16
// clients while the mode flips every 20 ms and the Perl script is rewritten
// by rename-over every 200 ms, with the watcher on. Every answer must be a
// 200 (C30, C31), and no process may be left (mustGateway's cleanup).
func TestStress_ToggleReloadUnderLoad(t *testing.T) {
	dir := t.TempDir()
	pl := filepath.Join(dir, "p.pl")
	writePL := func(n int) {
		tmp := pl + ".tmp"
		src := "#!/usr/bin/perl\nuse strict; use warnings; use POSIX ();\nprint \"Content-Type: text/plain\\n\\nv" + itoa(n) + "\\n\";\n"
		if err := os.WriteFile(tmp, []byte(src), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, pl); err != nil {
			t.Fatal(err)
		}
	}
	writePL(0)
	mustWriteFile(t, filepath.Join(dir, "s.sh"), "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nsh\\n'\n", 0o755)
	g, srv := mustGateway(t, Config{Scripts: dir, Queue: 1024, Workers: 4, MaxRequests: 50, MaxProcs: 16})
	if err := g.Start(); err != nil {
		t.Fatal(err)
	}
	stop := time.Now().Add(*stressDuration)
	var ok, bad atomic.Int64
	var wg sync.WaitGroup
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 32}}
	for i := range 16 {
		wg.Go(func() {
			url := srv.URL + "/cgi-bin/p.pl"
			if i%4 == 0 {
				url = srv.URL + "/cgi-bin/s.sh"
			}
			for time.Now().Before(stop) {
				resp, err := client.Get(url)
				if err != nil {
					bad.Add(1)
					t.Logf("GET %s: %v", url, err)
					continue
				}
				_, _ = readAll(resp)
				if resp.StatusCode != 200 {
					bad.Add(1)
					t.Logf("GET %s: %s", url, resp.Status)
					continue
				}
				ok.Add(1)
			}
		})
	}
	wg.Go(func() {
		for n := 0; time.Now().Before(stop); n++ {
			mode := ModeCGI
			if n%2 == 0 {
				mode = ModeFastCGI
			}
			g.SetMode(mode, "")
			time.Sleep(20 * time.Millisecond)
		}
	})
	wg.Go(func() {
		for n := 1; time.Now().Before(stop); n++ {
			writePL(n)
			time.Sleep(200 * time.Millisecond)
		}
	})
	wg.Wait()
	client.CloseIdleConnections()
	t.Logf("%d answers, %d not 200", ok.Load(), bad.Load())
	if bad.Load() != 0 {
		t.Fatalf("%d requests failed under toggling and reloading", bad.Load())
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func readAll(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}
