package lock

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Wait is Acquire that waits for another holder to let go, until ctx
// ends: for short critical sections several processes share, such as
// refreshing one credentials file. When ctx ends first, the error wraps
// both ctx's error and the *HeldError naming the holder.
func Wait(ctx context.Context, path string) (*Lock, error) {
	for {
		l, err := Acquire(path)
		var held *HeldError
		if !errors.As(err, &held) {
			return l, err
		}
		t := time.NewTimer(20 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("%w: %w", ctx.Err(), held)
		case <-t.C:
		}
	}
}
