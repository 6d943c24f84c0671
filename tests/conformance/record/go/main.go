// Command noproxy-go-recorder asks the real Go proxy-selection code which
// proxy (if any) it would use for a URL, and prints one JSON object per case.
//
// It is built and driven by ../record_go.py; it never opens a network
// connection (the net/http mode installs a DialContext hook that only records
// the address it is asked to dial and then fails), and the driver runs it
// inside `unshare -n` as well.
//
// Modes:
//
//	nethttp ID URL   one case; the case environment is this process's own
//	                 environment (net/http reads it once per process).
//	                 Uses http.ProxyFromEnvironment and a real
//	                 http.Transport.RoundTrip with a recording DialContext.
//	xnet             all cases, JSON Lines on stdin ({"id","env","url"});
//	                 per case: os.Clearenv, set env, then
//	                 httpproxy.FromEnvironment().ProxyFunc()(url).
//
// Build offline in GOPATH mode against Debian's golang-golang-x-net-dev:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode GOPROXY=off go build -o BIN main.go
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"

	"golang.org/x/net/http/httpproxy"
)

// record is one output line; field order is the output order.
type record struct {
	ID       string  `json:"id"`
	Decision string  `json:"decision"`
	ProxyURL *string `json:"proxy_url"`
	DialAddr *string `json:"dial_addr"`
	Variable *string `json:"variable"`
	Evidence string  `json:"evidence"`
}

type inputCase struct {
	ID  string            `json:"id"`
	Env map[string]string `json:"env"`
	URL string            `json:"url"`
}

var errNoDial = errors.New("noproxy recorder: dial refused by hook (nothing was dialled)")

func strp(s string) *string { return &s }

// inferVariable returns the single environment variable name whose value,
// parsed by Go's own proxy parser (httpproxy's unexported parseProxy, reached
// through a Config with only HTTPProxy set), yields exactly proxyURL.
// The x/net 0.7.0 parser is byte-identical to the copy vendored in Go 1.19's
// net/http (checked by diff), so this is faithful for both flavors.
// It returns nil when no name or more than one name matches, plus the list of
// matching names for the evidence.
func inferVariable(env []string, proxyURL string) (*string, []string) {
	probe, _ := url.Parse("http://probe.invalid/")
	var names []string
	for _, kv := range env {
		i := strings.IndexByte(kv, '=')
		if i <= 0 {
			continue
		}
		name, value := kv[:i], kv[i+1:]
		cfg := &httpproxy.Config{HTTPProxy: value}
		got, err := cfg.ProxyFunc()(probe)
		if err == nil && got != nil && got.String() == proxyURL {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	if len(names) == 1 {
		return strp(names[0]), names
	}
	return nil, names
}

func variableNote(names []string) string {
	switch len(names) {
	case 0:
		return "; no env var parses to this proxy URL"
	case 1:
		return ""
	default:
		return "; ambiguous: " + strings.Join(names, ",") + " all parse to this proxy URL"
	}
}

func emit(w *bufio.Writer, r record) {
	b, err := json.Marshal(r)
	if err != nil {
		panic(err)
	}
	w.Write(b)
	w.WriteByte('\n')
}

func netHTTP(id, rawURL string) record {
	r := record{ID: id}
	if _, err := url.Parse(rawURL); err != nil {
		r.Decision = "error"
		r.Evidence = "url.Parse: " + err.Error()
		return r
	}
	req, err := http.NewRequest("GET", rawURL, nil)
	if err != nil {
		r.Decision = "error"
		r.Evidence = "http.NewRequest: " + err.Error()
		return r
	}
	var ev []string
	p, perr := http.ProxyFromEnvironment(req)
	switch {
	case perr != nil:
		r.Decision = "error"
		ev = append(ev, "ProxyFromEnvironment error: "+perr.Error())
	case p == nil:
		r.Decision = "direct"
		ev = append(ev, "ProxyFromEnvironment = nil")
	default:
		r.Decision = "proxy"
		r.ProxyURL = strp(p.String())
		ev = append(ev, "ProxyFromEnvironment = "+p.String())
		var names []string
		r.Variable, names = inferVariable(os.Environ(), p.String())
		ev[0] += variableNote(names)
	}

	// Now what a real Transport would connect to. The hook never dials.
	var dialed []string
	tr := &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			dialed = append(dialed, network+" "+addr)
			return nil, errNoDial
		},
		DisableKeepAlives: true,
	}
	req2, _ := http.NewRequest("GET", rawURL, nil)
	resp, rterr := tr.RoundTrip(req2)
	if resp != nil {
		resp.Body.Close()
	}
	if len(dialed) > 0 {
		// "tcp host:port" -> "host:port"
		first := dialed[0]
		if i := strings.IndexByte(first, ' '); i >= 0 {
			first = first[i+1:]
		}
		r.DialAddr = strp(first)
		ev = append(ev, "Transport dialed ["+strings.Join(dialed, "; ")+"]")
	} else {
		ev = append(ev, "Transport did not dial")
	}
	if rterr != nil && !errors.Is(rterr, errNoDial) {
		ev = append(ev, "RoundTrip error: "+rterr.Error())
	} else if rterr == nil {
		ev = append(ev, "RoundTrip unexpectedly succeeded")
	}
	r.Evidence = strings.Join(ev, "; ")
	return r
}

func xnet(c inputCase) record {
	r := record{ID: c.ID}
	os.Clearenv()
	for k, v := range c.Env {
		if err := os.Setenv(k, v); err != nil {
			r.Decision = "skipped"
			r.Evidence = fmt.Sprintf("os.Setenv(%q): %v", k, err)
			return r
		}
	}
	u, err := url.Parse(c.URL)
	if err != nil {
		r.Decision = "error"
		r.Evidence = "url.Parse: " + err.Error()
		return r
	}
	p, perr := httpproxy.FromEnvironment().ProxyFunc()(u)
	switch {
	case perr != nil:
		r.Decision = "error"
		r.Evidence = "ProxyFunc error: " + perr.Error()
	case p == nil:
		r.Decision = "direct"
		r.Evidence = "ProxyFunc = nil"
	default:
		r.Decision = "proxy"
		r.ProxyURL = strp(p.String())
		var names []string
		r.Variable, names = inferVariable(os.Environ(), p.String())
		r.Evidence = "ProxyFunc = " + p.String() + variableNote(names)
	}
	return r
}

func main() {
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	if len(os.Args) == 4 && os.Args[1] == "nethttp" {
		emit(out, netHTTP(os.Args[2], os.Args[3]))
		return
	}
	if len(os.Args) == 2 && os.Args[1] == "xnet" {
		sc := bufio.NewScanner(os.Stdin)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" {
				continue
			}
			var c inputCase
			if err := json.Unmarshal([]byte(line), &c); err != nil {
				fmt.Fprintln(os.Stderr, "bad case line:", err)
				os.Exit(2)
			}
			emit(out, xnet(c))
		}
		if err := sc.Err(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		return
	}
	fmt.Fprintln(os.Stderr, "usage: recorder nethttp ID URL | recorder xnet < cases.jsonl")
	os.Exit(2)
}
