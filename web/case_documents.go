package web

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"

	"minzheng"
	"minzheng/sqldb"
)

// maxDocument is the largest scan accepted: a multi-page PDF at 300 dpi.
const maxDocument = 20 << 20

// documentTypes are the files a case accepts, by their sniffed type: scans.
var documentTypes = map[string]string{"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}

// saveDocument reads the form's "file", checks it is a scan, saves it under
// the data folder and records it on the case.
func (s *Server) saveDocument(w http.ResponseWriter, r *http.Request, caseID int64) (sqldb.CaseDocument, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxDocument+1<<20)
	file, hdr, err := r.FormFile("file")
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return sqldb.CaseDocument{}, &minzheng.Error{Code: minzheng.CodeTooLarge, Field: "file", Message: "文件太大，不能超过 20 MB"}
		}
		return sqldb.CaseDocument{}, minzheng.Invalid("file", "请选择要上传的扫描件（PDF、JPG 或 PNG）")
	}
	defer file.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(file, head)
	ctype := http.DetectContentType(head[:n])
	ext, ok := documentTypes[ctype]
	if !ok {
		return sqldb.CaseDocument{}, minzheng.Invalid("file", "只接受 PDF、JPG 或 PNG 格式的扫描件")
	}
	if _, err := file.Seek(0, io.SeekStart); err != nil {
		return sqldb.CaseDocument{}, err
	}
	dir := filepath.Join(s.dataDir, "cases", strconv.FormatInt(caseID, 10))
	if s.dataDir == "" {
		dir = filepath.Join(os.TempDir(), "minzheng-cases", strconv.FormatInt(caseID, 10))
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return sqldb.CaseDocument{}, fmt.Errorf("web: documents dir: %w", err)
	}
	var b [12]byte
	_, _ = rand.Read(b[:])
	path := filepath.Join(dir, hex.EncodeToString(b[:])+ext)
	out, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		return sqldb.CaseDocument{}, fmt.Errorf("web: save document: %w", err)
	}
	h := sha256.New()
	size, err := io.Copy(io.MultiWriter(out, h), io.LimitReader(file, maxDocument+1))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil && size > maxDocument {
		err = &minzheng.Error{Code: minzheng.CodeTooLarge, Field: "file", Message: "文件太大，不能超过 20 MB"}
	}
	if err != nil {
		os.Remove(path)
		return sqldb.CaseDocument{}, err
	}
	doc, err := s.db.AddCaseDocument(r.Context(), sqldb.CaseDocument{CaseID: caseID, Filename: filepath.Base(hdr.Filename), ContentType: ctype,
		Size: size, SHA256: hex.EncodeToString(h.Sum(nil)), Path: path})
	if err != nil {
		os.Remove(path)
		return doc, err
	}
	return doc, nil
}

func (s *Server) apiAddDocument(w http.ResponseWriter, r *http.Request) error {
	id, err := pathInt(r, "id", "案件")
	if err != nil {
		return err
	}
	doc, err := s.saveDocument(w, r, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, doc)
	return nil
}

func (s *Server) apiDocuments(r *http.Request) (any, error) {
	id, err := pathInt(r, "id", "案件")
	if err != nil {
		return nil, err
	}
	docs, err := s.db.CaseDocuments(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return listJSON{Items: docs, Total: len(docs)}, nil
}

// serveDocument answers one document's file, audited.
func (s *Server) serveDocument(w http.ResponseWriter, r *http.Request) error {
	id, err := pathInt(r, "id", "案件")
	if err != nil {
		return err
	}
	docID, err := pathInt(r, "doc", "材料")
	if err != nil {
		return err
	}
	doc, err := s.db.CaseDocument(r.Context(), id, docID)
	if err != nil {
		return err
	}
	f, err := os.Open(doc.Path)
	if err != nil {
		return fmt.Errorf("web: open document: %w", err)
	}
	defer f.Close()
	w.Header().Set("Content-Type", doc.ContentType)
	w.Header().Set("Content-Disposition", attachment(doc.Filename))
	w.Header().Set("Cache-Control", "no-store")
	_, err = io.Copy(w, f)
	return err
}

// documentSubmit uploads from the case page.
func (s *Server) documentSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathInt(r, "id", "案件")
	if err != nil {
		return err
	}
	if _, err := s.saveDocument(w, r, id); err != nil {
		return s.renderCase(w, r, err, "")
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/cases/%d", id), http.StatusSeeOther)
	return nil
}
