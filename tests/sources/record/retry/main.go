// Records GitLab Runner's header rules (network/retry_requester.go @ d79f3e7b:
// parseResetTime, parseRetryAfter, calculateWaitTime) with the real Go time.Parse,
// strconv.Atoi and Duration arithmetic. The two functions are copied without logging;
// time.Until(t) is written t.Sub(now) with a fixed now so the output is reproducible.
// Input: JSON lines {"id","reset","retry_after","now"} on stdin; output: one JSON line each.
package main

import (
	"bufio"
	"encoding/json"
	"net/http"
	"os"
	"strconv"
	"time"
)

type in struct {
	ID         string  `json:"id"`
	Reset      *string `json:"reset"`
	RetryAfter *string `json:"retry_after"`
	Now        int64   `json:"now"`
}

func parseResetTime(resp *http.Response, now time.Time) time.Duration {
	resetTimeStr := resp.Header.Get("RateLimit-ResetTime")
	if resetTimeStr == "" {
		return 0
	}
	resetTime, err := time.Parse(time.RFC1123, resetTimeStr)
	if err != nil {
		return 0
	}
	return resetTime.Sub(now)
}

func parseRetryAfter(resp *http.Response) time.Duration {
	retryAfter := resp.Header.Get("Retry-After")
	if retryAfter == "" {
		return 0
	}
	retrySeconds, err := strconv.Atoi(retryAfter)
	if err != nil {
		return 0
	}
	return time.Duration(retrySeconds) * time.Second
}

func main() {
	os.Setenv("TZ", "UTC")
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	out := json.NewEncoder(os.Stdout)
	for sc.Scan() {
		var c in
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			panic(err)
		}
		resp := &http.Response{Header: http.Header{}}
		if c.Reset != nil {
			resp.Header.Set("ratelimit-resettime", *c.Reset)
		}
		if c.RetryAfter != nil {
			resp.Header.Set("retry-after", *c.RetryAfter)
		}
		now := time.Unix(c.Now, 0).UTC()
		src, wait := "backoff", time.Duration(0)
		if w := parseResetTime(resp, now); w > 0 {
			src, wait = "reset_time", w
		} else if w := parseRetryAfter(resp); w > 0 {
			src, wait = "retry_after", w
		}
		out.Encode(map[string]interface{}{"id": c.ID, "source": src, "wait_ns": int64(wait)})
	}
}
