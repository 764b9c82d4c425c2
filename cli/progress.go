package cli

import (
	"time"

	"github.com/schollz/progressbar/v3"
)

// progress is the bar on stderr, or nothing when stderr is not a terminal
// (cron, CI, a pipe): a bar in a log file is just noise.
type progress struct {
	bar *progressbar.ProgressBar
}

func progressWanted(cfg *config, env Env) bool {
	return env.StderrTTY && !cfg.noProgress && cfg.output != "-"
}

func newProgress(cfg *config, env Env, total int) *progress {
	if !progressWanted(cfg, env) {
		return &progress{}
	}
	b := progressbar.NewOptions(total,
		progressbar.OptionSetWriter(env.Stderr),
		progressbar.OptionSetDescription(cfg.mode.String()),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("rows"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionFullWidth(),
		progressbar.OptionClearOnFinish(),
	)
	return &progress{bar: b}
}

// add is called once per finished row, from any worker.
func (p *progress) add() {
	if p.bar != nil {
		_ = p.bar.Add(1)
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
