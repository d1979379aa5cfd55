// Package history keeps the cells that dcem kernels execute in a SQLite
// file, across kernel restarts, the way IPython keeps its history: each
// kernel start is a new session; entries are (session, line, input, output)
// and can be read back by tail, range and glob search.
package history

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	_ "github.com/mattn/go-sqlite3" // the database/sql driver "sqlite3"

	"github.com/dcem-go/dcem/kernel"
)

// DefaultPath is history.sqlite in the dcem data directory:
// $XDG_DATA_HOME/dcem, or ~/.local/share/dcem.
func DefaultPath() (string, error) {
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("history: no data directory: %w", err)
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "dcem", "history.sqlite"), nil
}

// Store is an open history file with its current session. It implements
// kernel.History.
type Store struct {
	db      *sql.DB
	session int
}

var _ kernel.History = (*Store)(nil)

const schema = `
CREATE TABLE IF NOT EXISTS sessions (
	session INTEGER PRIMARY KEY AUTOINCREMENT,
	start   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS history (
	session INTEGER NOT NULL,
	line    INTEGER NOT NULL,
	source  TEXT NOT NULL,
	output  TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (session, line)
);`

// Open opens (creating it if needed) the history file at path and starts a
// new session in it.
func Open(path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("history: empty path")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000&_journal_mode=WAL")
	if err != nil {
		return nil, fmt.Errorf("history: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("history: %s: %w", path, err)
	}
	res, err := db.Exec(`INSERT INTO sessions (start) VALUES (?)`, time.Now().UTC().Format(time.RFC3339))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("history: %s: new session: %w", path, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		db.Close()
		return nil, err
	}
	return &Store{db: db, session: int(id)}, nil
}

// Close closes the file.
func (s *Store) Close() error { return s.db.Close() }

// Session is the number of this store's session.
func (s *Store) Session() int { return s.session }

// Append records cell line of the current session; a second record of the
// same line replaces the first.
func (s *Store) Append(line int, input, output string) error {
	_, err := s.db.Exec(`INSERT OR REPLACE INTO history (session, line, source, output) VALUES (?, ?, ?, ?)`,
		s.session, line, input, output)
	return err
}

func (s *Store) query(q string, args ...any) ([]kernel.HistoryEntry, error) {
	rows, err := s.db.Query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []kernel.HistoryEntry
	for rows.Next() {
		var e kernel.HistoryEntry
		if err := rows.Scan(&e.Session, &e.Line, &e.Input, &e.Output); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Tail returns the last n entries (10 when n <= 0), oldest first.
func (s *Store) Tail(n int) ([]kernel.HistoryEntry, error) {
	if n <= 0 {
		n = 10
	}
	es, err := s.query(`SELECT session, line, source, output FROM history ORDER BY session DESC, line DESC LIMIT ?`, n)
	reverse(es)
	return es, err
}

// Range returns the entries of session with start <= line < stop (to the
// end when stop <= 0). A session of 0 or less counts back from the current
// one (0 is the current session).
func (s *Store) Range(session, start, stop int) ([]kernel.HistoryEntry, error) {
	if session <= 0 {
		session += s.session
	}
	if stop <= 0 {
		return s.query(`SELECT session, line, source, output FROM history WHERE session = ? AND line >= ? ORDER BY line`, session, start)
	}
	return s.query(`SELECT session, line, source, output FROM history WHERE session = ? AND line >= ? AND line < ? ORDER BY line`, session, start, stop)
}

// Search returns the entries whose input matches the glob pattern (SQLite
// GLOB: * and ?), oldest first; with n > 0 only the last n; with unique only
// the latest entry of each input.
func (s *Store) Search(pattern string, n int, unique bool) ([]kernel.HistoryEntry, error) {
	es, err := s.query(`SELECT session, line, source, output FROM history WHERE source GLOB ? ORDER BY session, line`, pattern)
	if err != nil {
		return nil, err
	}
	if unique {
		last := map[string]int{}
		for i, e := range es {
			last[e.Input] = i
		}
		kept := es[:0]
		for i, e := range es {
			if last[e.Input] == i {
				kept = append(kept, e)
			}
		}
		es = kept
	}
	if n > 0 && len(es) > n {
		es = es[len(es)-n:]
	}
	return es, nil
}

func reverse(es []kernel.HistoryEntry) {
	for i, j := 0, len(es)-1; i < j; i, j = i+1, j-1 {
		es[i], es[j] = es[j], es[i]
	}
}
