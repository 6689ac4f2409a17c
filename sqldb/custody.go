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
	audit.Register("card_custody.add", "登记卡折代管")
	audit.Register("card_custody.agreement", "登记代管协议")
	audit.Register("card_custody.end", "结束卡折代管")
}

// CustodyHolders are who may hold a recipient's bank card or passbook.
var CustodyHolders = map[string]string{"family": "家庭成员或亲属", "village_committee": "村（居）委会", "staff": "经办工作人员", "institution": "供养机构", "other": "其他"}

// needsAgreement are the holders that need a signed agreement on file and
// the county's record (《最低生活保障审核确认办法》第26条).
var needsAgreement = map[string]bool{"village_committee": true, "staff": true, "institution": true}

// Custody is who holds a household's bank card or passbook (卡折代管).
type Custody struct {
	ID          int64          `json:"id"`
	HouseholdID int64          `json:"household_id"`
	Region      string         `json:"region"`
	HolderKind  string         `json:"holder_kind"`
	HolderName  string         `json:"holder_name"`
	Reason      string         `json:"reason"`
	Agreement   string         `json:"agreement"` // the signed agreement's number or description
	AgreementOn *minzheng.Date `json:"agreement_on"`
	ValidFrom   minzheng.Date  `json:"valid_from"`
	ValidTo     *minzheng.Date `json:"valid_to"`
	CreatedBy   string         `json:"created_by"`
	// Missing is set when the holder needs an agreement and none is on file.
	Missing bool `json:"agreement_missing"`
}

const custodyColumns = `id, household_id, region_code, holder_kind, holder_name, reason, agreement, agreement_on, valid_from, valid_to, created_by`

func scanCustody(sc interface{ Scan(...any) error }) (Custody, error) {
	var c Custody
	var on, to sql.NullString
	if err := sc.Scan(&c.ID, &c.HouseholdID, &c.Region, &c.HolderKind, &c.HolderName, &c.Reason, &c.Agreement, &on, &c.ValidFrom, &to, &c.CreatedBy); err != nil {
		return c, err
	}
	for _, p := range []struct {
		s    sql.NullString
		into **minzheng.Date
	}{{on, &c.AgreementOn}, {to, &c.ValidTo}} {
		if p.s.Valid {
			d, err := minzheng.ParseDate(p.s.String)
			if err != nil {
				return c, err
			}
			*p.into = &d
		}
	}
	c.Missing = needsAgreement[c.HolderKind] && (c.Agreement == "" || c.AgreementOn == nil)
	return c, nil
}

// CustodyInput is a holding to record.
type CustodyInput struct {
	HouseholdID int64          `json:"household_id"`
	HolderKind  string         `json:"holder_kind"`
	HolderName  string         `json:"holder_name"`
	Reason      string         `json:"reason"`
	Agreement   string         `json:"agreement"`
	AgreementOn *minzheng.Date `json:"agreement_on"`
	ValidFrom   minzheng.Date  `json:"valid_from"`
}

// AddCustody records who holds a household's card or passbook. A holding by
// staff, a village committee or an institution without a signed agreement
// is recorded — the record is how it is found — and listed as lacking one.
func (db *DB) AddCustody(ctx context.Context, in CustodyInput) (Custody, error) {
	a, err := requireHouseholds(ctx, auth.PermHouseholdWrite)
	if err != nil {
		return Custody{}, err
	}
	if _, ok := CustodyHolders[in.HolderKind]; !ok {
		return Custody{}, minzheng.Invalid("holder_kind", "代管人类别应为 family、village_committee、staff、institution 或 other")
	}
	if in.HolderName = strings.TrimSpace(in.HolderName); in.HolderName == "" {
		return Custody{}, minzheng.Invalid("holder_name", "请填写代管人（单位）名称")
	}
	if in.ValidFrom.IsZero() {
		in.ValidFrom = db.today()
	}
	if in.ValidFrom > db.today() {
		return Custody{}, minzheng.Invalid("valid_from", "代管起始日期不能晚于今天")
	}
	in.Agreement = strings.TrimSpace(in.Agreement)
	if (in.Agreement == "") != (in.AgreementOn == nil) {
		return Custody{}, minzheng.Invalid("agreement_on", "代管协议须同时填写协议编号（或说明）和签订日期")
	}
	if in.AgreementOn != nil && *in.AgreementOn > db.today() {
		return Custody{}, minzheng.Invalid("agreement_on", "协议签订日期不能晚于今天")
	}
	reg, err := db.householdScope(ctx, in.HouseholdID, "登记辖区外家庭的卡折代管：")
	if err != nil {
		return Custody{}, err
	}
	var id int64
	err = db.InTx(ctx, func(tx *Tx) error {
		var on any = minzheng.SQLNull
		if in.AgreementOn != nil {
			on = *in.AgreementOn
		}
		if err := tx.QueryRow(ctx, `INSERT INTO card_custody (household_id, region_code, holder_kind, holder_name, reason, agreement, agreement_on, valid_from,
			created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.HouseholdID, string(reg), in.HolderKind, in.HolderName,
			strings.TrimSpace(in.Reason), in.Agreement, on, in.ValidFrom, At(db.now()), a.Username).Scan(&id); err != nil {
			return err
		}
		summary := fmt.Sprintf("第 %d 户的银行卡（存折）由%s“%s”代管", in.HouseholdID, CustodyHolders[in.HolderKind], in.HolderName)
		if needsAgreement[in.HolderKind] && in.Agreement == "" {
			summary += "，尚无书面代管协议"
		}
		return tx.Audit(ctx, audit.Event{Action: "card_custody.add", Entity: "household", EntityID: strconv.FormatInt(in.HouseholdID, 10), Region: string(reg), Summary: summary})
	})
	if err != nil {
		return Custody{}, fmt.Errorf("sqldb: card custody: %w", err)
	}
	return db.custody(ctx, id)
}

func (db *DB) custody(ctx context.Context, id int64) (Custody, error) {
	c, err := scanCustody(db.QueryRow(ctx, `SELECT `+custodyColumns+` FROM card_custody WHERE id = ?`, id))
	if err != nil {
		return c, notFound(err, fmt.Sprintf("卡折代管记录 %d", id))
	}
	if err := db.CheckScope(ctx, "查看辖区外的卡折代管", "card_custody", strconv.FormatInt(id, 10), region.Code(c.Region)); err != nil {
		return Custody{}, err
	}
	return c, nil
}

// CustodyAgreement records the signed agreement of a holding.
func (db *DB) CustodyAgreement(ctx context.Context, id int64, agreement string, on minzheng.Date) (Custody, error) {
	if _, err := requireHouseholds(ctx, auth.PermHouseholdWrite); err != nil {
		return Custody{}, err
	}
	c, err := db.custody(ctx, id)
	if err != nil {
		return c, err
	}
	if agreement = strings.TrimSpace(agreement); agreement == "" || on.IsZero() {
		return c, minzheng.Invalid("agreement", "请填写协议编号（或说明）和签订日期")
	}
	if on > db.today() {
		return c, minzheng.Invalid("agreement_on", "协议签订日期不能晚于今天")
	}
	err = db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE card_custody SET agreement = ?, agreement_on = ? WHERE id = ?`, agreement, on, id); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Event{Action: "card_custody.agreement", Entity: "household", EntityID: strconv.FormatInt(c.HouseholdID, 10), Region: c.Region,
			Summary: fmt.Sprintf("第 %d 户卡折代管协议：%s（%s 签订）", c.HouseholdID, agreement, on)})
	})
	if err != nil {
		return c, fmt.Errorf("sqldb: card custody: %w", err)
	}
	return db.custody(ctx, id)
}

// EndCustody records that the card went back to the household.
func (db *DB) EndCustody(ctx context.Context, id int64, to minzheng.Date) (Custody, error) {
	if _, err := requireHouseholds(ctx, auth.PermHouseholdWrite); err != nil {
		return Custody{}, err
	}
	c, err := db.custody(ctx, id)
	if err != nil {
		return c, err
	}
	if to.IsZero() {
		to = db.today()
	}
	switch {
	case c.ValidTo != nil:
		return c, &minzheng.Error{Code: minzheng.CodeConflict, Message: "该代管已于 " + c.ValidTo.String() + " 结束"}
	case to < c.ValidFrom:
		return c, minzheng.Invalid("valid_to", "结束日期不能早于代管起始日期 %s", c.ValidFrom)
	case to > db.today():
		return c, minzheng.Invalid("valid_to", "结束日期不能晚于今天")
	}
	err = db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE card_custody SET valid_to = ? WHERE id = ?`, to, id); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Event{Action: "card_custody.end", Entity: "household", EntityID: strconv.FormatInt(c.HouseholdID, 10), Region: c.Region,
			Summary: fmt.Sprintf("第 %d 户的银行卡（存折）于 %s 交还本人", c.HouseholdID, to)})
	})
	if err != nil {
		return c, fmt.Errorf("sqldb: card custody: %w", err)
	}
	return db.custody(ctx, id)
}

// Custodies lists the region's current holdings; missing narrows them to
// those that need a signed agreement and have none.
func (db *DB) Custodies(ctx context.Context, scope region.Code, missing bool) ([]Custody, error) {
	a, err := requireHouseholds(ctx, auth.PermHouseholdRead)
	if err != nil {
		return nil, err
	}
	scope, err = region.Narrow(region.ActorRegion(a), scope)
	if err != nil {
		return nil, db.Deny(ctx, "查看辖区外的卡折代管", "card_custody", "", scope)
	}
	cond, args := InRegion("region_code", scope)
	cond += " AND valid_to IS NULL"
	if missing {
		cond += " AND holder_kind IN ('village_committee', 'staff', 'institution') AND (agreement = '' OR agreement_on IS NULL)"
	}
	rows, err := db.Query(ctx, `SELECT `+custodyColumns+` FROM card_custody WHERE `+cond+` ORDER BY region_code, id LIMIT 5000`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqldb: card custody: %w", err)
	}
	defer rows.Close()
	out := []Custody{}
	for rows.Next() {
		c, err := scanCustody(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
