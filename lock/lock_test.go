package lock_test

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/lock"
)

// A child process of this test binary takes the lock, says so, and waits
// to be killed: the second process of the tests below.
func TestMain(m *testing.M) {
	if path := os.Getenv("LOCK_TEST_HOLD"); path != "" {
		if _, err := lock.Acquire(path); err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println("held")
		select {}
	}
	os.Exit(m.Run())
}

func TestSecondAcquireIsRefusedAndNamesTheHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.csv.lock")
	l, err := lock.Acquire(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = lock.Acquire(path)
	var held *lock.HeldError
	if !errors.As(err, &held) {
		t.Fatalf("second Acquire: %v, want a HeldError", err)
	}
	if want := fmt.Sprintf("pid %d", os.Getpid()); !strings.Contains(held.Holder, want) || !strings.Contains(err.Error(), want) {
		t.Errorf("holder %q, error %q: want %q", held.Holder, err, want)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("lock file: %v, mode %v; want 0600", err, st.Mode().Perm())
	}
	l.Release()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("lock file left behind after Release: %v", err)
	}
	l2, err := lock.Acquire(path)
	if err != nil {
		t.Fatalf("after Release: %v", err)
	}
	l2.Release()
}

// holder starts a second process that holds the lock until killed.
func holder(t *testing.T, path string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "LOCK_TEST_HOLD="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, _ := bufio.NewReader(out).ReadString('\n')
	if strings.TrimSpace(line) != "held" {
		t.Fatalf("child: %q", line)
	}
	return cmd
}

func TestAnotherProcessHoldsItUntilItDies(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.csv.lock")
	child := holder(t, path)
	_, err := lock.Acquire(path)
	var held *lock.HeldError
	if !errors.As(err, &held) || !strings.Contains(held.Holder, fmt.Sprintf("pid %d", child.Process.Pid)) {
		t.Fatalf("while the child holds it: %v", err)
	}
	// kill -9: no Release runs, the kernel drops the lock.
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	l, err := lock.Acquire(path)
	if err != nil {
		t.Fatalf("after the holder died: %v", err)
	}
	l.Release()
}
