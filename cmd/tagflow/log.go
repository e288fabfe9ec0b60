package main

import (
	"io"
	"log/slog"
	"strings"

	"github.com/go-logr/logr"
	"github.com/spf13/cobra"
)

// logOptions are the global logging flags.
type logOptions struct {
	level  string
	format string
}

// logLevels maps --log-level values to slog levels. logr's V(n) logs at slog level -n, so
// debug shows V(1) to V(4) and trace everything.
var logLevels = map[string]slog.Level{
	"error": slog.LevelError,
	"warn":  slog.LevelWarn,
	"info":  slog.LevelInfo,
	"debug": slog.LevelDebug,
	"trace": slog.LevelDebug - 4,
}

// addLogFlags adds --log-level and --log-format to root and, before any subcommand runs,
// puts a logger writing to stderr into the command's context, where the core packages find
// it with logr.FromContextOrDiscard.
func addLogFlags(root *cobra.Command) {
	var opts logOptions
	f := root.PersistentFlags()
	f.StringVar(&opts.level, "log-level", "info", "log level: error, warn, info, debug or trace")
	f.StringVar(&opts.format, "log-format", "text", "log format: text or json")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		log, err := newLogger(cmd.ErrOrStderr(), opts)
		if err != nil {
			return err
		}
		cmd.SetContext(logr.NewContext(cmd.Context(), log))
		return nil
	}
}

// newLogger builds the logr logger for the options, backed by slog.
func newLogger(w io.Writer, opts logOptions) (logr.Logger, error) {
	level, ok := logLevels[strings.ToLower(opts.level)]
	if !ok {
		return logr.Discard(), usageErrorf("--log-level must be error, warn, info, debug or trace, not %q", opts.level)
	}
	hopts := &slog.HandlerOptions{Level: level, ReplaceAttr: levelNames}
	var h slog.Handler
	switch strings.ToLower(opts.format) {
	case "text":
		h = slog.NewTextHandler(w, hopts)
	case "json":
		h = slog.NewJSONHandler(w, hopts)
	default:
		return logr.Discard(), usageErrorf("--log-format must be text or json, not %q", opts.format)
	}
	return logr.FromSlogHandler(h), nil
}

// levelNames prints logr's V levels (slog levels -1, -2, ...) as DEBUG down to -4 and TRACE
// below, instead of slog's "DEBUG+3".
func levelNames(_ []string, a slog.Attr) slog.Attr {
	if a.Key != slog.LevelKey {
		return a
	}
	l, ok := a.Value.Any().(slog.Level)
	switch {
	case !ok || l >= slog.LevelInfo:
		return a
	case l >= slog.LevelDebug:
		return slog.String(slog.LevelKey, "DEBUG")
	default:
		return slog.String(slog.LevelKey, "TRACE")
	}
}
