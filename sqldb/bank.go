package sqldb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"minzheng"
	"minzheng/audit"
	"minzheng/auth"
	"minzheng/payment"
)

func init() {
	audit.Register("bank_template.set", "设置银行文件格式")
	audit.Register("payroll.export", "导出银行发放文件")
	audit.Register("payroll.return", "导入银行回盘文件")
}

// BankColumn is one column of a bank's file: its title in the file and the
// payment field it holds.
type BankColumn struct {
	Title string `json:"title"`
	Field string `json:"field"`
}

// BankFields are the fields a bank's file may hold, with their names.
var BankFields = map[string]string{
	"line": "发放编号（回盘时据此对账，必须有）", "payee": "收款人", "account": "账号", "bank": "开户行", "amount": "金额（元）",
	"amount_fen": "金额（分）", "month": "所属月份", "pay_month": "发放月份", "program": "项目", "village": "村（居）代码",
	"household": "户号", "kind": "类别（当月、补发、重发……）",
}

// DefaultBankColumns are the columns of a bank without its own template.
var DefaultBankColumns = []BankColumn{{"发放编号", "line"}, {"收款人", "payee"}, {"账号", "account"}, {"开户行", "bank"},
	{"金额（元）", "amount"}, {"所属月份", "month"}, {"摘要", "program"}}

// BankTemplate is a bank's file layout.
type BankTemplate struct {
	Bank      string       `json:"bank"`
	Columns   []BankColumn `json:"columns"`
	UpdatedBy string       `json:"updated_by,omitempty"`
}

// BankTemplates lists the banks' layouts an administrator has set.
func (db *DB) BankTemplates(ctx context.Context) ([]BankTemplate, error) {
	if _, err := requireHouseholds(ctx, auth.PermPaymentRead); err != nil {
		if _, err2 := requireHouseholds(ctx, auth.PermBankTemplate); err2 != nil {
			return nil, err
		}
	}
	rows, err := db.Query(ctx, `SELECT bank_name, columns, updated_by FROM bank_templates ORDER BY bank_name`)
	if err != nil {
		return nil, fmt.Errorf("sqldb: bank templates: %w", err)
	}
	defer rows.Close()
	out := []BankTemplate{}
	for rows.Next() {
		var t BankTemplate
		var cols string
		if err := rows.Scan(&t.Bank, &cols, &t.UpdatedBy); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(cols), &t.Columns); err != nil {
			return nil, fmt.Errorf("sqldb: bank template %s: %w", t.Bank, err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// CheckBankColumns refuses a layout without the line number (returns are
// matched on it), with an unknown field, or an empty title.
func CheckBankColumns(cols []BankColumn) error {
	if len(cols) == 0 {
		return minzheng.Invalid("columns", "请至少设置一列")
	}
	hasLine := false
	seen := map[string]bool{}
	for i, c := range cols {
		if _, ok := BankFields[c.Field]; !ok {
			return minzheng.Invalid("columns", "第 %d 列的字段“%s”不存在", i+1, c.Field)
		}
		if strings.TrimSpace(c.Title) == "" {
			return minzheng.Invalid("columns", "第 %d 列缺少列名", i+1)
		}
		if seen[c.Title] {
			return minzheng.Invalid("columns", "列名“%s”重复", c.Title)
		}
		seen[c.Title] = true
		hasLine = hasLine || c.Field == "line"
	}
	if !hasLine {
		return minzheng.Invalid("columns", "银行文件必须包含发放编号（line）一列：回盘时据此对账")
	}
	return nil
}

// SetBankTemplate sets a bank's layout, audited.
func (db *DB) SetBankTemplate(ctx context.Context, t BankTemplate) (BankTemplate, error) {
	a, err := requireHouseholds(ctx, auth.PermBankTemplate)
	if err != nil {
		return t, err
	}
	if t.Bank = strings.TrimSpace(t.Bank); t.Bank == "" {
		return t, minzheng.Invalid("bank", "请填写银行名称（与家庭档案中的开户行一致）")
	}
	for i := range t.Columns {
		t.Columns[i].Title = strings.TrimSpace(t.Columns[i].Title)
	}
	if err := CheckBankColumns(t.Columns); err != nil {
		return t, err
	}
	b, _ := json.Marshal(t.Columns)
	t.UpdatedBy = a.Username
	err = db.InTx(ctx, func(tx *Tx) error {
		var before sql.NullString
		if err := tx.QueryRow(ctx, `SELECT columns FROM bank_templates WHERE bank_name = ?`, t.Bank).Scan(&before); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if before.Valid {
			if _, err := tx.Exec(ctx, `UPDATE bank_templates SET columns = ?, updated_at = ?, updated_by = ? WHERE bank_name = ?`, string(b), At(db.now()), a.Username, t.Bank); err != nil {
				return err
			}
		} else if _, err := tx.Exec(ctx, `INSERT INTO bank_templates (bank_name, columns, updated_at, updated_by) VALUES (?, ?, ?, ?)`, t.Bank, string(b), At(db.now()), a.Username); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Event{Action: "bank_template.set", Entity: "bank_template", EntityID: t.Bank, Region: a.Region,
			Summary: fmt.Sprintf("设置%s的发放文件格式（%d 列）", t.Bank, len(t.Columns)), Before: map[string]any{"columns": before.String}, After: map[string]any{"columns": string(b)}})
	})
	if err != nil {
		return t, fmt.Errorf("sqldb: bank template: %w", err)
	}
	return t, nil
}

// bankColumns is the layout for a bank: its own, or the default.
func (db *DB) bankColumns(ctx context.Context, bank string) ([]BankColumn, error) {
	var cols string
	err := db.QueryRow(ctx, `SELECT columns FROM bank_templates WHERE bank_name = ?`, bank).Scan(&cols)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultBankColumns, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sqldb: bank template: %w", err)
	}
	var out []BankColumn
	return out, json.Unmarshal([]byte(cols), &out)
}

// BankTotal is what one bank is to pay of a payroll.
type BankTotal struct {
	Bank      string       `json:"bank"`
	Lines     int          `json:"lines"`
	AmountFen minzheng.Fen `json:"amount_fen"`
}

// PayrollBanks lists the banks of a payroll's lines waiting for the bank,
// with their counts and amounts: the per-bank files to export.
func (db *DB) PayrollBanks(ctx context.Context, id int64) ([]BankTotal, error) {
	if _, err := db.Payroll(ctx, id); err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, `SELECT bank_name, COUNT(*), SUM(amount_fen) FROM payments WHERE payroll_id = ? AND status = 'due'
		GROUP BY bank_name ORDER BY bank_name`, id)
	if err != nil {
		return nil, fmt.Errorf("sqldb: payroll banks: %w", err)
	}
	defer rows.Close()
	var out []BankTotal
	for rows.Next() {
		var b BankTotal
		if err := rows.Scan(&b.Bank, &b.Lines, &b.AmountFen); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// BankCell is a payment's value for a column of a bank's file.
func BankCell(l PaymentLine, field string) string {
	switch field {
	case "line":
		return strconv.FormatInt(l.ID, 10)
	case "payee":
		return l.Payee
	case "account":
		return l.BankAccount
	case "bank":
		return l.BankName
	case "amount":
		return l.AmountFen.Yuan()
	case "amount_fen":
		return strconv.FormatInt(int64(l.AmountFen), 10)
	case "month":
		return l.BenefitMonth.String()
	case "pay_month":
		return l.PayMonth.String()
	case "program":
		return programName(l.Program)
	case "village":
		return l.Region
	case "household":
		return strconv.FormatInt(l.HouseholdID, 10)
	case "kind":
		return kindName(l.Kind)
	}
	return ""
}

// BankFile is what an export needs before its rows: the payroll, the
// columns, and its control totals.
type BankFile struct {
	Payroll   Payroll
	Bank      string
	Columns   []BankColumn
	Lines     int
	AmountFen minzheng.Fen
}

// ExportBankFile hands fn, one by one, the lines of an approved payroll
// due to be paid (all, or those of one bank) with their accounts in full,
// then records the export: the payroll is "exported", and the export
// audited with its control totals. start receives the file's layout and
// totals before the first line.
func (db *DB) ExportBankFile(ctx context.Context, id int64, bank string, start func(BankFile) error, fn func(PaymentLine) error) error {
	a, err := requireHouseholds(ctx, auth.PermPaymentRun)
	if err != nil {
		return err
	}
	p, err := db.Payroll(ctx, id)
	if err != nil {
		return err
	}
	if p.State == "draft" {
		return &minzheng.Error{Code: minzheng.CodeConflict, Message: "发放名册尚未审核，不能导出银行文件"}
	}
	cond, args := `payroll_id = ? AND status = 'due'`, []any{id}
	if bank != "" {
		cond += ` AND bank_name = ?`
		args = append(args, bank)
	}
	f := BankFile{Payroll: p, Bank: bank, Columns: DefaultBankColumns}
	if bank != "" {
		if f.Columns, err = db.bankColumns(ctx, bank); err != nil {
			return err
		}
	}
	var amount sql.NullInt64
	if err := db.QueryRow(ctx, `SELECT COUNT(*), SUM(amount_fen) FROM payments WHERE `+cond, args...).Scan(&f.Lines, &amount); err != nil {
		return fmt.Errorf("sqldb: bank file: %w", err)
	}
	f.AmountFen = minzheng.Fen(amount.Int64)
	if f.Lines == 0 {
		return &minzheng.Error{Code: minzheng.CodeConflict, Message: "没有待银行发放的明细" + map[bool]string{true: "（" + bank + "）", false: ""}[bank != ""]}
	}
	if err := start(f); err != nil {
		return err
	}
	rows, err := db.Query(ctx, `SELECT `+paymentColumns+` FROM payments WHERE `+cond+` ORDER BY id`, args...)
	if err != nil {
		return fmt.Errorf("sqldb: bank file: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		l, err := scanPayment(rows)
		if err != nil {
			return err
		}
		if err := fn(l); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	// Recorded once every line has gone into the file: an export cut
	// short marks nothing and logs nothing.
	err = db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE payrolls SET state = CASE WHEN state = 'approved' THEN 'exported' ELSE state END, exported_at = ? WHERE id = ?`,
			At(db.now()), id); err != nil {
			return err
		}
		what := "全部开户行"
		if bank != "" {
			what = bank
		}
		return tx.Audit(ctx, audit.Event{Action: "payroll.export", Entity: "payroll", EntityID: strconv.FormatInt(id, 10), Region: p.Region,
			Summary: fmt.Sprintf("导出 %s %s 发放名册的银行文件（%s）：%d 笔，%s 元，含完整账号", p.Month, p.ProgramName, what, f.Lines, f.AmountFen.Yuan()),
			After:   map[string]any{"lines": f.Lines, "amount_fen": int64(f.AmountFen), "bank": bank, "by": a.Username}})
	})
	if err != nil {
		return fmt.Errorf("sqldb: bank file: %w", err)
	}
	return nil
}

// ReturnRow is one line of a bank's return file.
type ReturnRow struct {
	Row       int // in the file, for messages
	LineID    int64
	AmountFen minzheng.Fen
	Paid      bool
	Reason    string
}

// ReturnProblem is a row of a return file that was not applied, or a line
// of the payroll the file did not answer.
type ReturnProblem struct {
	Row     int          `json:"row,omitempty"`
	LineID  int64        `json:"line_id,omitempty"`
	Problem string       `json:"problem"`
	File    minzheng.Fen `json:"file_amount_fen,omitempty"`
	Payroll minzheng.Fen `json:"payroll_amount_fen,omitempty"`
}

// ReturnReport is what importing a return did.
type ReturnReport struct {
	ID          int64           `json:"id"`
	PayrollID   int64           `json:"payroll_id"`
	Filename    string          `json:"filename"`
	Rows        int             `json:"rows"`
	Paid        int             `json:"paid"`
	Failed      int             `json:"failed"`
	PaidFen     minzheng.Fen    `json:"paid_fen"`
	FailedFen   minzheng.Fen    `json:"failed_fen"`
	Problems    []ReturnProblem `json:"problems"`
	Outstanding int             `json:"outstanding"` // lines of the payroll still without an answer
	// Unanswered are those lines, line by line (the first 1,000), so the
	// difference from the bank's totals can be followed up.
	Unanswered []PaymentLine `json:"unanswered"`
	Reconciled bool          `json:"reconciled"` // every line answered: the payroll is reconciled
	Repeated   bool          `json:"repeated"`   // the same file was imported before: nothing changed
}

// ImportReturn applies a bank's return file to a payroll: each row marks
// its line paid or failed with the bank's reason. Rows naming a line not
// in the payroll, an amount other than the line's, or a line already
// answered otherwise are not applied and are reported; the rest are. The
// same file again (by content) changes nothing and answers the first
// import's report. Failed lines leave the reports' figures and are paid
// again in a later payroll once the account is corrected.
func (db *DB) ImportReturn(ctx context.Context, id int64, filename string, content []byte, rows []ReturnRow) (ReturnReport, error) {
	a, err := requireHouseholds(ctx, auth.PermPaymentRun)
	if err != nil {
		return ReturnReport{}, err
	}
	p, err := db.Payroll(ctx, id)
	if err != nil {
		return ReturnReport{}, err
	}
	if p.State == "draft" {
		return ReturnReport{}, &minzheng.Error{Code: minzheng.CodeConflict, Message: "发放名册尚未审核，不能导入银行回盘"}
	}
	sum := sha256.Sum256(content)
	hash := hex.EncodeToString(sum[:])
	rep := ReturnReport{PayrollID: id, Filename: filename, Rows: len(rows), Problems: []ReturnProblem{}}
	var problems string
	err = db.QueryRow(ctx, `SELECT id, rows, paid, failed, paid_fen, failed_fen, problems FROM bank_returns WHERE payroll_id = ? AND sha256 = ?`, id, hash).
		Scan(&rep.ID, &rep.Rows, &rep.Paid, &rep.Failed, &rep.PaidFen, &rep.FailedFen, &problems)
	if err == nil {
		_ = json.Unmarshal([]byte(problems), &rep.Problems)
		rep.Repeated = true
		return rep, db.returnOutstanding(ctx, &rep)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return rep, fmt.Errorf("sqldb: bank return: %w", err)
	}
	err = db.InTx(ctx, func(tx *Tx) error {
		seen := map[int64]int{}
		for _, r := range rows {
			if first, ok := seen[r.LineID]; ok {
				rep.Problems = append(rep.Problems, ReturnProblem{Row: r.Row, LineID: r.LineID, Problem: fmt.Sprintf("与第 %d 行重复，未处理", first)})
				continue
			}
			seen[r.LineID] = r.Row
			var amount minzheng.Fen
			var status string
			err := tx.QueryRow(ctx, `SELECT amount_fen, status FROM payments WHERE id = ? AND payroll_id = ?`+tx.forUpdate(), r.LineID, id).Scan(&amount, &status)
			if errors.Is(err, sql.ErrNoRows) {
				rep.Problems = append(rep.Problems, ReturnProblem{Row: r.Row, LineID: r.LineID, Problem: "本名册中没有这笔发放", File: r.AmountFen})
				continue
			}
			if err != nil {
				return err
			}
			if amount != r.AmountFen {
				rep.Problems = append(rep.Problems, ReturnProblem{Row: r.Row, LineID: r.LineID, Problem: "回盘金额与名册不符，未处理", File: r.AmountFen, Payroll: amount})
				continue
			}
			switch {
			case status == "paid" && r.Paid, status == "failed" && !r.Paid:
				continue // answered so before: nothing to do
			case status != "due":
				rep.Problems = append(rep.Problems, ReturnProblem{Row: r.Row, LineID: r.LineID,
					Problem: fmt.Sprintf("此前已回盘为“%s”，本次为“%s”，未处理，请与银行核实", PaymentStatuses[status], map[bool]string{true: "已发放", false: "发放失败"}[r.Paid])})
				continue
			}
			if r.Paid {
				if _, err := tx.Exec(ctx, `UPDATE payments SET status = 'paid' WHERE id = ?`, r.LineID); err != nil {
					return err
				}
				rep.Paid++
				rep.PaidFen += amount
				continue
			}
			reason := strings.TrimSpace(r.Reason)
			if reason == "" {
				reason = "银行未注明原因"
			}
			if _, err := tx.Exec(ctx, `UPDATE payments SET status = 'failed', bank_reason = ? WHERE id = ?`, reason, r.LineID); err != nil {
				return err
			}
			if err := tx.uncount(ctx, r.LineID); err != nil {
				return err
			}
			rep.Failed++
			rep.FailedFen += amount
		}
		b, _ := json.Marshal(rep.Problems)
		if err := tx.QueryRow(ctx, `INSERT INTO bank_returns (payroll_id, sha256, filename, rows, paid, failed, paid_fen, failed_fen, problems, imported_at, imported_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, id, hash, filename, len(rows), rep.Paid, rep.Failed, rep.PaidFen, rep.FailedFen,
			string(b), At(db.now()), a.Username).Scan(&rep.ID); err != nil {
			if isUnique(err) {
				return &minzheng.Error{Code: minzheng.CodeConflict, Message: "同一回盘文件正由他人同时导入，请稍后刷新查看"}
			}
			return err
		}
		var due int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM payments WHERE payroll_id = ? AND status = 'due'`, id).Scan(&due); err != nil {
			return err
		}
		if due == 0 {
			if _, err := tx.Exec(ctx, `UPDATE payrolls SET state = 'reconciled', reconciled_at = ? WHERE id = ?`, At(db.now()), id); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, audit.Event{Action: "payroll.return", Entity: "payroll", EntityID: strconv.FormatInt(id, 10), Region: p.Region,
			Summary: fmt.Sprintf("导入 %s %s 的银行回盘 %s：成功 %d 笔 %s 元，失败 %d 笔 %s 元，未处理 %d 行", p.Month, p.ProgramName, filename,
				rep.Paid, rep.PaidFen.Yuan(), rep.Failed, rep.FailedFen.Yuan(), len(rep.Problems)),
			After: map[string]any{"sha256": hash, "paid": rep.Paid, "failed": rep.Failed, "problems": len(rep.Problems)}})
	})
	if err != nil {
		if _, ok := minzheng.AsError(err); ok {
			return rep, err
		}
		return rep, fmt.Errorf("sqldb: bank return: %w", err)
	}
	return rep, db.returnOutstanding(ctx, &rep)
}

// returnOutstanding fills in the lines that still wait for the bank.
func (db *DB) returnOutstanding(ctx context.Context, rep *ReturnReport) error {
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM payments WHERE payroll_id = ? AND status = 'due'`, rep.PayrollID).Scan(&rep.Outstanding); err != nil {
		return fmt.Errorf("sqldb: bank return: %w", err)
	}
	rep.Reconciled = rep.Outstanding == 0
	rep.Unanswered = []PaymentLine{}
	rows, err := db.Query(ctx, `SELECT `+paymentColumns+` FROM payments WHERE payroll_id = ? AND status = 'due' ORDER BY id LIMIT 1000`, rep.PayrollID)
	if err != nil {
		return fmt.Errorf("sqldb: bank return: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		l, err := scanPayment(rows)
		if err != nil {
			return err
		}
		rep.Unanswered = append(rep.Unanswered, l.masked())
	}
	return rows.Err()
}

// kindName is a payment kind on screen and in files.
func kindName(k string) string {
	if n, ok := payment.KindNames[k]; ok {
		return n
	}
	return k
}
