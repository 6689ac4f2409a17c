package sqldb

import (
	"context"
	"errors"
	"fmt"

	"minzheng"
	"minzheng/audit"
	"minzheng/auth"
	"minzheng/region"
	"minzheng/registry"
)

// ImportReport is the outcome of an import, kept as the job's result.
type ImportReport struct {
	Households    int                 `json:"households"`     // households in the file
	Persons       int                 `json:"persons"`        // persons in the file
	Written       int                 `json:"written"`        // households written
	WrittenPeople int                 `json:"written_people"` // persons written
	Invalid       int                 `json:"invalid"`        // households refused
	Problems      []registry.RowError `json:"problems"`       // the first MaxProblems row errors
	MoreProblems  int                 `json:"more_problems"`  // row errors beyond those listed
	ValidOnly     bool                `json:"valid_only"`
	Committed     bool                `json:"committed"`
}

// MaxProblems is how many row errors a report lists.
const MaxProblems = 2000

// ImportHouseholds reads households from rows and writes them in one
// transaction. By default nothing is written if any row is invalid; with
// validOnly the valid households are written and the invalid ones reported.
// Each household is written under a savepoint, so one that fails in the
// database (an ID number already in another household) is undone alone and
// reported with the rest. progress is told how many rows were read.
func (db *DB) ImportHouseholds(ctx context.Context, rows registry.Rows, validOnly bool, source string, progress func(rows int) error) (ImportReport, error) {
	a, err := requireHouseholds(ctx, auth.PermHouseholdWrite)
	if err != nil {
		return ImportReport{}, err
	}
	rep := ImportReport{ValidOnly: validOnly, Problems: []registry.RowError{}}
	today := db.today()
	scope := region.ActorRegion(a)
	areas := map[region.Code]string{} // village → default area, or "-" for an unknown village
	problem := func(p registry.RowError) {
		if len(rep.Problems) < MaxProblems {
			rep.Problems = append(rep.Problems, p)
		} else {
			rep.MoreProblems++
		}
	}
	// The file is read in a goroutine of its own while this one checks and
	// writes: parsing a workbook takes about as long as writing what it
	// holds, and the machines have two cores.
	sheets := make(chan registry.SheetHousehold, 512)
	readErr := make(chan error, 1)
	rctx, stopReading := context.WithCancel(ctx)
	defer stopReading()
	go func() {
		defer close(sheets)
		readErr <- registry.ReadSheet(rows, func(sh registry.SheetHousehold) error {
			select {
			case sheets <- sh:
				return nil
			case <-rctx.Done():
				return rctx.Err()
			}
		})
	}()
	err = db.InTx(ctx, func(tx *Tx) error {
		// How a checked household is written. With validOnly, under a
		// savepoint, so a household that fails half-way is undone alone.
		// Otherwise the first failure dooms the transaction anyway: until
		// then households are written without the savepoint's cost (a
		// failing statement undoes only itself on SQLite; PostgreSQL, where
		// it would spoil the transaction, keeps the savepoints), and after
		// it the rest of the file is only checked — against the database
		// and against the file itself — so that the report is complete.
		failed := false
		inFile := map[registry.IDNumber]int{} // after a failure: ID number → first row it was seen on
		created := map[int64]int{}            // households written by this import → their first row
		write := func(c registry.CheckedHousehold) (int64, error) {
			switch {
			case failed && !validOnly:
				// Checked only, below.
			case validOnly || db.dialect == Postgres:
				var hid int64
				err := tx.savepoint(ctx, func() error {
					var err error
					hid, err = tx.insertHousehold(ctx, a, c)
					return err
				})
				if err != nil && !validOnly {
					failed = true
				}
				return hid, err
			default:
				hid, err := tx.insertHousehold(ctx, a, c)
				failed = err != nil
				return hid, err
			}
			for i, id := range c.IDs {
				if row, dup := inFile[id]; dup {
					return 0, &minzheng.Error{Code: minzheng.CodeConflict, Field: fmt.Sprintf("members[%d].id_number", i),
						Message: fmt.Sprintf("身份证号 %s 与本文件第 %d 行的成员重复", id.Masked(), row)}
				}
				var hid *int64
				err := tx.QueryRow(ctx, `SELECT household_id FROM persons WHERE id_number = ?`, string(id)).Scan(&hid)
				if err == nil && hid != nil {
					e, _ := minzheng.AsError(db.memberConflict(ctx, tx, id, *hid))
					return 0, &minzheng.Error{Code: e.Code, Field: fmt.Sprintf("members[%d].id_number", i), Message: e.Message}
				}
			}
			return 0, nil
		}
		// invalid notes a refused household: in the default mode nothing
		// more is written, and its ID numbers are remembered so that a
		// later row listing the same person is still caught.
		invalid := func(sh registry.SheetHousehold) {
			if validOnly {
				return
			}
			failed = true
			for i, m := range sh.House.Members {
				if id, err := registry.ParseIDNumber(m.IDNumber, 0, ""); err == nil {
					if _, seen := inFile[id]; !seen {
						inFile[id] = sh.Rows[i]
					}
				}
			}
		}
		each := func(sh registry.SheetHousehold) error {
			rep.Households++
			rep.Persons += len(sh.Rows)
			if progress != nil && rep.Households%500 == 0 {
				if err := progress(sh.Rows[len(sh.Rows)-1]); err != nil {
					return err
				}
			}
			c, errs := sh.House.CheckAll(today)
			if len(sh.Problems) > 0 || len(errs) > 1 {
				// Every problem of the household, those found reading its
				// cells first; a check error on a cell already reported is
				// the same problem again.
				rep.Invalid++
				reported := map[string]bool{}
				for _, p := range sh.Problems {
					problem(p)
					reported[fmt.Sprint(p.Row, p.Column)] = true
				}
				for _, e := range errs {
					if p := sh.ErrorAt(e); !reported[fmt.Sprint(p.Row, p.Column)] {
						problem(p)
					}
				}
				invalid(sh)
				return nil
			}
			var err error
			if len(errs) == 1 {
				err = errs[0]
			}
			if err == nil && !scope.Contains(c.RegionCode) {
				err = minzheng.Invalid("region", "村（居）%s 不在您的辖区内", c.RegionCode)
			}
			if err == nil {
				area, ok := areas[c.RegionCode]
				if !ok {
					area, err = db.villageArea(ctx, c.RegionCode)
					if err != nil {
						area = "-"
						err = nil
					}
					areas[c.RegionCode] = area
				}
				switch {
				case area == "-":
					err = minzheng.Invalid("region", "村（居）区划代码 %s 不存在", c.RegionCode)
				case c.Area == "" && area == "":
					err = minzheng.Invalid("area", "该村（居）未设置城乡属性，请填写城乡")
				case c.Area == "":
					c.Area = area
				}
			}
			var hid int64
			if err == nil {
				hid, err = write(c)
			}
			if err != nil {
				e, ok := minzheng.AsError(err)
				if !ok {
					return err // the database failed, not the row
				}
				if e.Code == minzheng.CodeConflict {
					err = inFileDuplicate(ctx, tx, e, c, created)
				}
				rep.Invalid++
				problem(sh.ErrorAt(err))
				invalid(sh)
				return nil
			}
			if hid != 0 {
				created[hid] = sh.Rows[0]
			}
			if failed {
				for i, id := range c.IDs {
					if _, seen := inFile[id]; !seen {
						inFile[id] = sh.Rows[min(i, len(sh.Rows)-1)]
					}
				}
			}
			rep.Written++
			rep.WrittenPeople += len(sh.Rows)
			return nil
		}
		for sh := range sheets {
			if err := each(sh); err != nil {
				return err
			}
		}
		if err := <-readErr; err != nil {
			return err
		}
		if rep.Invalid > 0 && !validOnly {
			return errRollback
		}
		if rep.Written == 0 {
			return errRollback
		}
		return tx.Audit(ctx, audit.Event{Action: "household.import", Entity: "import", EntityID: source, Region: string(scope),
			Summary: fmt.Sprintf("导入家庭档案：%d 户 %d 人写入，%d 户有误未写入（%s）", rep.Written, rep.WrittenPeople, rep.Invalid, source),
			After:   map[string]any{"households": rep.Written, "persons": rep.WrittenPeople, "invalid": rep.Invalid}})
	})
	if errors.Is(err, errRollback) {
		rep.Written, rep.WrittenPeople = 0, 0
		return rep, nil
	}
	if err != nil {
		return rep, err
	}
	rep.Committed = true
	return rep, nil
}

// errRollback ends an import's transaction without writing, on purpose.
var errRollback = errors.New("sqldb: import rolled back")

// savepoint runs fn under a savepoint: if fn fails, what it wrote is undone
// and the transaction goes on.
func (tx *Tx) savepoint(ctx context.Context, fn func() error) error {
	if _, err := tx.Exec(ctx, `SAVEPOINT one_household`); err != nil {
		return err
	}
	if err := fn(); err != nil {
		if _, rerr := tx.Exec(ctx, `ROLLBACK TO SAVEPOINT one_household`); rerr != nil {
			return rerr
		}
		if _, rerr := tx.Exec(ctx, `RELEASE SAVEPOINT one_household`); rerr != nil {
			return rerr
		}
		return err
	}
	_, err := tx.Exec(ctx, `RELEASE SAVEPOINT one_household`)
	return err
}

// inFileDuplicate rewrites a conflict with a household this same import
// wrote into what it is for the clerk: a person listed twice in the file.
func inFileDuplicate(ctx context.Context, tx *Tx, e *minzheng.Error, c registry.CheckedHousehold, created map[int64]int) error {
	var i int
	if n, _ := fmt.Sscanf(e.Field, "members[%d]", &i); n != 1 || i < 0 || i >= len(c.IDs) {
		return e
	}
	var hid *int64
	if err := tx.QueryRow(ctx, `SELECT household_id FROM persons WHERE id_number = ?`, string(c.IDs[i])).Scan(&hid); err != nil || hid == nil {
		return e
	}
	row, ok := created[*hid]
	if !ok {
		return e
	}
	return &minzheng.Error{Code: e.Code, Field: e.Field,
		Message: fmt.Sprintf("身份证号 %s 与本文件第 %d 行开始的那一户中的成员重复", c.IDs[i].Masked(), row)}
}
