// Command ferretdb runs FerretDB v1 (a MongoDB wire-compatible server) on the SQLite backend
// for local development and tests.
//
// It embeds github.com/FerretDB/FerretDB/ferretdb instead of using `go install .../cmd/ferretdb`
// because the upstream command panics when built outside its repository (it requires a
// generated build/version/version.txt that the module zip does not contain).
package main

import (
	"context"
	"flag"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:27018", "TCP address to listen on")
	sqliteURL := flag.String("sqlite-url", "file:data/", "SQLite URI (a directory, ending in /)")
	level := flag.String("log-level", "warn", "log level: debug, info, warn, error")
	flag.Parse()

	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(*level)); err != nil {
		log.Fatalf("bad -log-level %q: %v", *level, err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lvl}))

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: *sqliteURL,
	})
	if err != nil {
		log.Fatal(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	logger.Info("ferretdb listening", "addr", *listen, "uri", f.MongoDBURI())
	if err := f.Run(ctx); err != nil {
		log.Fatal(err)
	}
}
