package session

import (
	"go/scanner"
	"go/token"
	"strings"
)

// ChunkKind says how a piece of a cell is evaluated.
type ChunkKind int

const (
	// Imports is a run of import declarations.
	Imports ChunkKind = iota
	// Decls is a run of func, method, type, var and const declarations.
	Decls
	// Stmts is a run of statements.
	Stmts
)

func (k ChunkKind) String() string {
	switch k {
	case Imports:
		return "imports"
	case Decls:
		return "decls"
	case Stmts:
		return "stmts"
	}
	return "unknown"
}

// Chunk is a run of top-level code of one kind, in the order of the cell.
type Chunk struct {
	Kind ChunkKind
	// Line is the cell line (from 1) where the chunk starts.
	Line int
	// Src is the chunk's source text.
	Src string
}

type tok struct {
	pos int // byte offset
	tok token.Token
	lit string
}

// Split cuts a cell into runs of imports, declarations and statements, in
// order, so that each run can be evaluated on its own. It only tokenizes;
// syntax errors inside a run are left for the parser. Split reports a
// scanner error (an unterminated string or comment, a bad character) as err.
func Split(cell string) (chunks []Chunk, err error) {
	src := []byte(cell)
	fset := token.NewFileSet()
	file := fset.AddFile("cell", -1, len(src))
	var errs scanner.ErrorList
	var s scanner.Scanner
	s.Init(file, src, func(pos token.Position, msg string) { errs.Add(pos, msg) }, scanner.ScanComments)
	var toks []tok
	for {
		pos, t, lit := s.Scan()
		if t == token.EOF {
			break
		}
		toks = append(toks, tok{file.Offset(pos), t, lit})
	}
	if len(errs) > 0 {
		errs.Sort()
		return nil, errs.Err()
	}

	// Find the start offsets of top-level statements and classify them.
	type start struct {
		off  int
		kind ChunkKind
	}
	var starts []start
	depth := 0
	atStart := true
	comment := -1  // offset of the comments just before a statement
	var code []tok // toks without comments, for classify
	for _, t := range toks {
		if t.tok != token.COMMENT {
			code = append(code, t)
		}
	}
	i := -1
	for _, t := range toks {
		if t.tok != token.COMMENT {
			i++
		}
		if t.tok == token.COMMENT {
			if atStart && depth == 0 && comment < 0 {
				comment = t.pos
			}
			continue
		}
		if atStart && depth == 0 && t.tok != token.SEMICOLON {
			off := t.pos
			if comment >= 0 {
				// Doc comments belong to the declaration they precede.
				off = comment
			}
			starts = append(starts, start{off, classify(code, i)})
			atStart = false
		}
		comment = -1
		switch t.tok {
		case token.LPAREN, token.LBRACE, token.LBRACK:
			depth++
		case token.RPAREN, token.RBRACE, token.RBRACK:
			if depth > 0 {
				depth--
			}
		case token.SEMICOLON:
			if depth == 0 {
				atStart = true
			}
		}
	}

	// Merge neighbours of the same kind.
	for i, st := range starts {
		end := len(cell)
		if i+1 < len(starts) {
			end = starts[i+1].off
		}
		if n := len(chunks); n > 0 && chunks[n-1].Kind == st.kind {
			chunks[n-1].Src += cell[st.off:end]
			continue
		}
		line := 1 + strings.Count(cell[:st.off], "\n")
		chunks = append(chunks, Chunk{Kind: st.kind, Line: line, Src: cell[st.off:end]})
	}
	for i := range chunks {
		chunks[i].Src = strings.TrimRight(chunks[i].Src, " \t\r\n;")
	}
	return chunks, nil
}

// classify says whether the top-level statement starting at toks[i] is an
// import, a declaration or a statement.
func classify(toks []tok, i int) ChunkKind {
	switch toks[i].tok {
	case token.IMPORT:
		return Imports
	case token.TYPE, token.VAR, token.CONST:
		return Decls
	case token.FUNC:
		if i+1 >= len(toks) {
			return Decls
		}
		switch toks[i+1].tok {
		case token.IDENT:
			return Decls // func name(...)
		case token.LPAREN:
			// func (recv T) name(...) is a method; func(...) ... is a literal.
			depth := 0
			for j := i + 1; j < len(toks); j++ {
				switch toks[j].tok {
				case token.LPAREN:
					depth++
				case token.RPAREN:
					depth--
					if depth == 0 {
						if j+1 < len(toks) && toks[j+1].tok == token.IDENT && j+2 < len(toks) && toks[j+2].tok == token.LPAREN {
							return Decls
						}
						return Stmts
					}
				}
			}
		}
		return Stmts
	}
	return Stmts
}
