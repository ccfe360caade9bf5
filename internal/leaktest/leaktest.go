// Package leaktest checks that a package's tests leave no goroutine behind,
// knowing the few that fasthttp keeps on purpose.
package leaktest

import (
	"testing"

	"go.uber.org/goleak"
)

// Options are goleak's options with fasthttp's own goroutines ignored.
var Options = []goleak.Option{
	// fasthttp's worker pool cleaner sleeps up to its idle duration after
	// Stop, then exits by itself.
	goleak.IgnoreAnyFunction("github.com/valyala/fasthttp.(*workerPool).Start.func2"),
	// fasthttp keeps one process-wide goroutine for the Date header.
	goleak.IgnoreAnyFunction("github.com/valyala/fasthttp.updateServerDate.func1"),
	// fasthttp's client: the default dialer's process-wide address cache
	// cleaner, and a host's connection cleaner, which exits on its next
	// tick once CloseIdleConnections has left it nothing to watch.
	goleak.IgnoreAnyFunction("github.com/valyala/fasthttp.(*TCPDialer).tcpAddrsClean"),
	goleak.IgnoreAnyFunction("github.com/valyala/fasthttp.(*HostClient).connsCleaner"),
	goleak.IgnoreAnyFunction("github.com/valyala/fasthttp.(*Client).mCleaner"),
}

// VerifyTestMain runs the tests, then fails if goroutines leaked.
func VerifyTestMain(m *testing.M) {
	goleak.VerifyTestMain(m, Options...)
}
