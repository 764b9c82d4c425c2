package cli

import (
	"fmt"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progress is the bar on stderr, or nothing when stderr is not a terminal
// (cron, CI, a pipe): a bar in a log file is just noise.
type progress struct {
	bar   *progressbar.ProgressBar
	mode  string
	total int

	mu    sync.Mutex
	start time.Time
	done  int
	shown time.Time // when the times in the description were last set
}

func progressWanted(cfg *config, env Env) bool {
	return env.StderrTTY && !cfg.noProgress && cfg.output != "-"
}

// newProgress draws through con, so that log lines and warnings are
// printed above the bar, never into it.
func newProgress(cfg *config, env Env, con *console, total int) *progress {
	if !progressWanted(cfg, env) {
		return &progress{}
	}
	p := &progress{mode: cfg.cmd.Name, total: total, start: time.Now()}
	p.bar = progressbar.NewOptions(total,
		progressbar.OptionSetWriter(con.bar()),
		progressbar.OptionSetDescription(p.mode),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("rows"),
		// The bar's own "[4s:1s]" says nothing to a newcomer: the times
		// are in the description, in words.
		progressbar.OptionSetPredictTime(false),
		progressbar.OptionSetElapsedTime(false),
		progressbar.OptionShowDescriptionAtLineEnd(),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionFullWidth(),
		progressbar.OptionClearOnFinish(),
	)
	return p
}

// add is called once per finished row, from any worker.
func (p *progress) add() {
	if p.bar == nil {
		return
	}
	p.mu.Lock()
	p.done++
	now := time.Now()
	if now.Sub(p.shown) >= time.Second {
		p.shown = now
		labels := timeLabels(now.Sub(p.start), p.done, p.total)
		p.mu.Unlock()
		p.bar.Describe(p.mode + " · " + labels)
	} else {
		p.mu.Unlock()
	}
	_ = p.bar.Add(1)
}

// timeLabels says how long the run has taken and, from the pace so far,
// how long the rest will take: "2m10s elapsed, 4m left".
func timeLabels(elapsed time.Duration, done, total int) string {
	s := roundLabel(elapsed) + " elapsed"
	if done > 0 && total > done {
		left := time.Duration(float64(elapsed) / float64(done) * float64(total-done))
		s += ", " + roundLabel(left) + " left"
	}
	return s
}

// roundLabel rounds a duration to what a person reads at a glance: whole
// seconds under ten minutes, whole minutes above.
func roundLabel(d time.Duration) string {
	switch {
	case d < time.Second:
		return "0s"
	case d < 10*time.Minute:
		return d.Round(time.Second).String()
	default:
		d = d.Round(time.Minute)
		h, m := int(d.Hours()), int(d.Minutes())%60
		if h == 0 {
			return fmt.Sprintf("%dm", m)
		}
		return fmt.Sprintf("%dh%02dm", h, m)
	}
}

func (p *progress) clear() {
	if p.bar != nil {
		_ = p.bar.Clear()
	}
}

func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
