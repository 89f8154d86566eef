package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runReport runs a copy of scripts/report.pl as a CGI process would run it
// and returns its output.
func runReport(t *testing.T, script, query string) []byte {
	t.Helper()
	cmd := exec.Command("perl", script)
	cmd.Dir = filepath.Dir(script)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "GATEWAY_INTERFACE=CGI/1.1", "REQUEST_METHOD=GET",
		"SCRIPT_NAME=/cgi-bin/report.pl", "QUERY_STRING=" + query}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("report.pl ?%s: %v: %s", query, err, stderr.Bytes())
	}
	return out
}

// TestReport_AnswersAsRecorded: the headline script of the benchmark gives
// the bytes recorded in testdata/report for each of its views, so a change
// made to it for speed changes nothing a client sees.
func TestReport_AnswersAsRecorded(t *testing.T) {
	t.Parallel()
	script, err := filepath.Abs("../../scripts/report.pl")
	if err != nil {
		t.Fatal(err)
	}
	for name, query := range map[string]string{
		"default":             "",
		"chart-r":             "chart=r",
		"chart-xbar":          "chart=xbar",
		"debug-1":             "debug=1",
		"format-bad":          "format=bad",
		"format-json":         "format=json",
		"format-json_debug-1": "format=json&debug=1",
		"format-text":         "format=text",
		"format-text_chart-r": "format=text&chart=r",
	} {
		want, err := os.ReadFile(filepath.Join("../../testdata/report", name+".out"))
		if err != nil {
			t.Fatal(err)
		}
		if got := runReport(t, script, query); !bytes.Equal(got, want) {
			t.Errorf("?%s: %d bytes differ from testdata/report/%s.out (%d bytes)", query, len(got), name, len(want))
		}
	}
}

// TestReport_ExactSumAsBigFloats: report.pl sums the readings as integers
// of their last decimal place; for readings of any shape (more places, a
// sign, an exponent, no fraction) its answer is the one it gives when it
// adds them as Math::BigFloat numbers.
func TestReport_ExactSumAsBigFloats(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("../../scripts/report.pl")
	if err != nil {
		t.Fatal(err)
	}
	ref := bytes.Replace(src, []byte("exact_sum(@text)->"), []byte("big_sum(@text)->"), 1)
	if bytes.Equal(ref, src) {
		t.Fatal("report.pl has no exact_sum(@text) call to compare")
	}
	data, err := os.ReadFile("../../scripts/report-data/measurements.csv")
	if err != nil {
		t.Fatal(err)
	}
	shapes := []func(r *rand.Rand) string{
		func(r *rand.Rand) string { return fmt.Sprintf("25.%03d", r.IntN(20)) },
		func(r *rand.Rand) string { return fmt.Sprintf("24.9%04d", r.IntN(10000)) },
		func(r *rand.Rand) string { return fmt.Sprintf("25.%06d", r.IntN(1000000)) },
		func(r *rand.Rand) string { return "25" },
		func(r *rand.Rand) string { return "25." },
		func(r *rand.Rand) string { return fmt.Sprintf("+25.%02d", r.IntN(3)) },
		func(r *rand.Rand) string { return fmt.Sprintf("-%d.%d", r.IntN(3), r.IntN(10)) },
		// Shapes the integers do not take: the whole sum is of BigFloats.
		func(r *rand.Rand) string { return fmt.Sprintf("25.%07d", r.IntN(10000000)) },
		func(r *rand.Rand) string { return fmt.Sprintf("2.500%de1", r.IntN(10)) },
	}
	for seed := uint64(1); seed <= 4; seed++ {
		r := rand.New(rand.NewPCG(seed, 0))
		var csv strings.Builder
		for _, line := range strings.SplitAfter(string(data), "\n") {
			// subgroup,time,"operator",x1,...,x5,note
			head, rest, ok := strings.Cut(line, "\",")
			f := strings.SplitN(rest, ",", 6)
			if !ok || len(f) < 6 {
				csv.WriteString(line)
				continue
			}
			for i := range 5 {
				f[i] = shapes[r.IntN(len(shapes)-int(seed%2)*2)](r) // odd seeds: integers only
			}
			csv.WriteString(head + "\"," + strings.Join(f, ","))
		}
		dir := t.TempDir()
		if err := os.Mkdir(filepath.Join(dir, "report-data"), 0o755); err != nil {
			t.Fatal(err)
		}
		for name, body := range map[string][]byte{"report.pl": src, "reference.pl": ref, "report-data/measurements.csv": []byte(csv.String())} {
			if err := os.WriteFile(filepath.Join(dir, name), body, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		for _, query := range []string{"debug=1", "format=json"} {
			got, want := runReport(t, filepath.Join(dir, "report.pl"), query), runReport(t, filepath.Join(dir, "reference.pl"), query)
			if !bytes.Equal(got, want) {
				t.Errorf("seed %d ?%s: the answer differs from the BigFloat sum's\n%s", seed, query, csv.String())
			}
			if !bytes.Contains(got, []byte("'center' =>")) && query == "debug=1" {
				t.Errorf("seed %d: no Dumper of the statistics in %.300q", seed, got)
			}
		}
	}
}
