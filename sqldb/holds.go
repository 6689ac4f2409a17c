package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"minzheng"
	"minzheng/audit"
	"minzheng/auth"
	"minzheng/region"
)

func init() {
	audit.Register("payment.hold", "暂停发放")
	audit.Register("payment.release", "恢复发放")
}

// Hold is a suspension of an enrolment's payments (暂停发放): while a review
// waits on the household, say. Released with back pay, the held months are
// paid in the next payroll; without, they are not paid.
type Hold struct {
	ID          int64           `json:"id"`
	EnrolmentID int64           `json:"enrolment_id"`
	From        minzheng.Month  `json:"from"`
	To          *minzheng.Month `json:"to"`
	Reason      string          `json:"reason"`
	BackPay     bool            `json:"back_pay"`
	CreatedBy   string          `json:"created_by"`
	ReleasedBy  string          `json:"released_by,omitempty"`
}

func (db *DB) enrolmentRegion(ctx context.Context, id int64, what string) (string, error) {
	var reg, status string
	if err := db.QueryRow(ctx, `SELECT region_code, status FROM enrolments WHERE id = ?`, id).Scan(&reg, &status); err != nil {
		return "", notFound(err, fmt.Sprintf("待遇 %d", id))
	}
	return reg, db.CheckScope(ctx, what, "enrolment", strconv.FormatInt(id, 10), region.Code(reg))
}

// HoldPayments suspends an enrolment's payments from a month (this month
// or later), with the reason.
func (db *DB) HoldPayments(ctx context.Context, enrolmentID int64, from minzheng.Month, reason string) (Hold, error) {
	if _, err := requireHouseholds(ctx, auth.PermPaymentRun); err != nil {
		return Hold{}, err
	}
	reg, err := db.enrolmentRegion(ctx, enrolmentID, "暂停辖区外的待遇")
	if err != nil {
		return Hold{}, err
	}
	if reason = strings.TrimSpace(reason); reason == "" {
		return Hold{}, minzheng.Invalid("reason", "请写明暂停发放的理由")
	}
	if from == 0 {
		from = db.today().Month()
	}
	if from < db.today().Month() {
		return Hold{}, minzheng.Invalid("from", "暂停只能自本月（%s）起，已发放的月份不能暂停", db.today().Month())
	}
	var id int64
	err = db.InTx(ctx, func(tx *Tx) error {
		var open int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM payment_holds WHERE enrolment_id = ? AND to_month IS NULL`, enrolmentID).Scan(&open); err != nil {
			return err
		}
		if open > 0 {
			return &minzheng.Error{Code: minzheng.CodeConflict, Message: "该待遇已在暂停中"}
		}
		if err := tx.QueryRow(ctx, `INSERT INTO payment_holds (enrolment_id, from_month, reason, created_at, created_by) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			enrolmentID, from, reason, At(db.now()), actorName(ctx)).Scan(&id); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Event{Action: "payment.hold", Entity: "enrolment", EntityID: strconv.FormatInt(enrolmentID, 10), Region: reg,
			Summary: fmt.Sprintf("待遇 %d 自 %s 起暂停发放：%s", enrolmentID, from, reason)})
	})
	if err != nil {
		if _, ok := minzheng.AsError(err); ok {
			return Hold{}, err
		}
		return Hold{}, fmt.Errorf("sqldb: hold: %w", err)
	}
	return db.hold(ctx, id)
}

// ReleaseHold ends a suspension with its last month held (the month before
// this one at the latest), and says whether the held months are paid.
func (db *DB) ReleaseHold(ctx context.Context, id int64, backPay bool) (Hold, error) {
	if _, err := requireHouseholds(ctx, auth.PermPaymentRun); err != nil {
		return Hold{}, err
	}
	h, err := db.hold(ctx, id)
	if err != nil {
		return h, err
	}
	reg, err := db.enrolmentRegion(ctx, h.EnrolmentID, "恢复辖区外的待遇")
	if err != nil {
		return h, err
	}
	if h.To != nil {
		return h, &minzheng.Error{Code: minzheng.CodeConflict, Message: "该暂停已解除"}
	}
	to := max(db.today().Month()-1, h.From)
	err = db.InTx(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `UPDATE payment_holds SET to_month = ?, back_pay = ?, released_at = ?, released_by = ? WHERE id = ? AND to_month IS NULL`,
			to, backPay, At(db.now()), actorName(ctx), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return &minzheng.Error{Code: minzheng.CodeConflict, Message: "该暂停已由他人解除"}
		}
		what := "暂停月份不再补发"
		if backPay {
			what = "暂停月份在下期名册中补发"
		}
		return tx.Audit(ctx, audit.Event{Action: "payment.release", Entity: "enrolment", EntityID: strconv.FormatInt(h.EnrolmentID, 10), Region: reg,
			Summary: fmt.Sprintf("待遇 %d 恢复发放（暂停 %s 至 %s），%s", h.EnrolmentID, h.From, to, what)})
	})
	if err != nil {
		if _, ok := minzheng.AsError(err); ok {
			return h, err
		}
		return h, fmt.Errorf("sqldb: release hold: %w", err)
	}
	return db.hold(ctx, id)
}

func (db *DB) hold(ctx context.Context, id int64) (Hold, error) {
	var h Hold
	var to, by sql.NullString
	err := db.QueryRow(ctx, `SELECT id, enrolment_id, from_month, to_month, reason, back_pay, created_by, released_by FROM payment_holds WHERE id = ?`, id).
		Scan(&h.ID, &h.EnrolmentID, &h.From, &to, &h.Reason, &h.BackPay, &h.CreatedBy, &by)
	if err != nil {
		return h, notFound(err, fmt.Sprintf("暂停记录 %d", id))
	}
	if to.Valid {
		m, err := minzheng.ParseMonth(to.String)
		if err != nil {
			return h, err
		}
		h.To = &m
	}
	h.ReleasedBy = by.String
	return h, nil
}

// actorName is who acts, for the rows that record it.
func actorName(ctx context.Context) string {
	a, _ := actor(ctx)
	return a.Username
}
