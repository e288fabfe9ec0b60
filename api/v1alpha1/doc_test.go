package v1alpha1_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportedNamesDocumented fails on an exported type or struct field without a doc
// comment: field comments become the CRD's descriptions, which kubectl explain shows.
func TestExportedNamesDocumented(t *testing.T) {
	files, err := filepath.Glob("*_types.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("listing *_types.go: %v (%d files)", err, len(files))
	}
	fset := token.NewFileSet()
	for _, path := range files {
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			t.Fatalf("parsing %s: %v", path, err)
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, spec := range gd.Specs {
				checkType(t, fset, gd, spec.(*ast.TypeSpec))
			}
		}
	}
}

// checkType reports an undocumented exported type, and its undocumented exported fields.
func checkType(t *testing.T, fset *token.FileSet, gd *ast.GenDecl, ts *ast.TypeSpec) {
	t.Helper()
	if !ts.Name.IsExported() {
		return
	}
	if !startsWith(gd.Doc, ts.Name.Name) && !startsWith(ts.Doc, ts.Name.Name) {
		t.Errorf("%s: type %s has no doc comment starting with its name", fset.Position(ts.Pos()), ts.Name.Name)
	}
	st, ok := ts.Type.(*ast.StructType)
	if !ok {
		return
	}
	for _, field := range st.Fields.List {
		if len(field.Names) == 0 {
			continue // embedded: TypeMeta, ObjectMeta, ReconcileRequestStatus
		}
		name := field.Names[0].Name
		if ast.IsExported(name) && !startsWith(field.Doc, name) {
			t.Errorf("%s: field %s.%s has no doc comment starting with its name", fset.Position(field.Pos()), ts.Name.Name, name)
		}
	}
}

// startsWith reports whether the comment's text starts with name (after markers, which
// are not part of the text).
func startsWith(doc *ast.CommentGroup, name string) bool {
	return doc != nil && strings.HasPrefix(doc.Text(), name+" ")
}
