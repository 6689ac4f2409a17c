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
		inFile := map[registry.IDNumber]bool{}
		write := func(c registry.CheckedHousehold) error {
			switch {
			case validOnly || db.dialect == Postgres:
				err := tx.savepoint(ctx, func() error {
					_, err := tx.insertHousehold(ctx, a, c)
					return err
				})
				if err != nil && !validOnly {
					failed = true
				}
				return err
			case !failed:
				_, err := tx.insertHousehold(ctx, a, c)
				failed = err != nil
				return err
			}
			for i, id := range c.IDs {
				if inFile[id] {
					return minzheng.Invalid(fmt.Sprintf("members[%d].id_number", i), "身份证号 %s 在文件中出现了不止一次", id.Masked())
				}
				inFile[id] = true
				var hid *int64
				err := tx.QueryRow(ctx, `SELECT household_id FROM persons WHERE id_number = ?`, string(id)).Scan(&hid)
				if err == nil && hid != nil {
					e, _ := minzheng.AsError(db.memberConflict(ctx, tx, id, *hid))
					return &minzheng.Error{Code: e.Code, Field: fmt.Sprintf("members[%d].id_number", i), Message: e.Message}
				}
			}
			return nil
		}
		each := func(sh registry.SheetHousehold) error {
			rep.Households++
			rep.Persons += len(sh.Rows)
			if progress != nil && rep.Households%500 == 0 {
				if err := progress(sh.Rows[len(sh.Rows)-1]); err != nil {
					return err
				}
			}
			if len(sh.Problems) > 0 {
				rep.Invalid++
				for _, p := range sh.Problems {
					problem(p)
				}
				return nil
			}
			c, err := sh.House.Check(today)
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
			if err == nil {
				err = write(c)
			}
			if err != nil {
				if _, ok := minzheng.AsError(err); !ok {
					return err // the database failed, not the row
				}
				rep.Invalid++
				problem(sh.ErrorAt(err))
				return nil
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
