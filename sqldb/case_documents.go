package sqldb

import (
	"context"
	"fmt"
	"minzheng"
	"strconv"
	"time"

	"minzheng/audit"
	"minzheng/auth"
)

func init() {
	audit.Register("case.document_add", "上传案件材料")
	audit.Register("case.document_read", "查阅案件材料")
}

// CaseDocument is a file attached to a case.
type CaseDocument struct {
	ID          int64     `json:"id"`
	CaseID      int64     `json:"case_id"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	Path        string    `json:"-"` // under the data folder
	UploadedAt  time.Time `json:"uploaded_at"`
	UploadedBy  string    `json:"uploaded_by"`
}

// AddCaseDocument records a file already saved at doc.Path for a case in
// the actor's region, audited.
func (db *DB) AddCaseDocument(ctx context.Context, doc CaseDocument) (CaseDocument, error) {
	c, err := db.Case(ctx, doc.CaseID)
	if err != nil {
		return doc, err
	}
	a, err := requireHouseholds(ctx, auth.PermCaseAct)
	if err != nil {
		return doc, err
	}
	doc.UploadedAt, doc.UploadedBy = db.now(), a.Username
	err = db.InTx(ctx, func(tx *Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO case_documents (case_id, filename, content_type, size, sha256, path, uploaded_at, uploaded_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, doc.CaseID, doc.Filename, doc.ContentType, doc.Size, doc.SHA256, doc.Path,
			At(doc.UploadedAt), doc.UploadedBy).Scan(&doc.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Event{Action: "case.document_add", Entity: "case", EntityID: strconv.FormatInt(c.ID, 10), Region: c.Region,
			Summary: fmt.Sprintf("案件 %d 上传材料 %s（%d 字节）", c.ID, doc.Filename, doc.Size)})
	})
	if err != nil {
		return doc, fmt.Errorf("sqldb: add document: %w", err)
	}
	return doc, nil
}

// CaseDocuments lists a case's documents (scope checked through the case).
func (db *DB) CaseDocuments(ctx context.Context, caseID int64) ([]CaseDocument, error) {
	if _, err := db.Case(ctx, caseID); err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, `SELECT id, case_id, filename, content_type, size, sha256, path, uploaded_at, uploaded_by
		FROM case_documents WHERE case_id = ? ORDER BY id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("sqldb: documents: %w", err)
	}
	defer rows.Close()
	out := []CaseDocument{}
	for rows.Next() {
		var d CaseDocument
		var at Instant
		if err := rows.Scan(&d.ID, &d.CaseID, &d.Filename, &d.ContentType, &d.Size, &d.SHA256, &d.Path, &at, &d.UploadedBy); err != nil {
			return nil, err
		}
		d.UploadedAt = at.Time
		out = append(out, d)
	}
	return out, rows.Err()
}

// CaseDocument finds one document of a case for reading, and audits the
// reading: scans hold what the public may not see.
func (db *DB) CaseDocument(ctx context.Context, caseID, docID int64) (CaseDocument, error) {
	docs, err := db.CaseDocuments(ctx, caseID)
	if err != nil {
		return CaseDocument{}, err
	}
	for _, d := range docs {
		if d.ID == docID {
			c, err := db.Case(ctx, caseID)
			if err != nil {
				return d, err
			}
			return d, db.AuditAlone(ctx, audit.Event{Action: "case.document_read", Entity: "case", EntityID: strconv.FormatInt(caseID, 10),
				Region: c.Region, Summary: fmt.Sprintf("查阅案件 %d 的材料 %s", caseID, d.Filename)})
		}
	}
	return CaseDocument{}, minzheng.NotFound(fmt.Sprintf("案件 %d 的材料 %d", caseID, docID))
}
