package sqldb_test
import ("testing";"time";"context";"minzheng";"minzheng/sqldb";"minzheng/sqldb/sqltest";"minzheng/region")
func TestSmoke(t *testing.T){
	sqltest.Each(t, sqltest.Options{Regions: sqltest.NoRegions}, func(t *testing.T, db *sqldb.DB){
		ctx:=minzheng.WithActor(context.Background(), minzheng.System("t"))
		st:=time.Now()
		n,err:=db.LoadRegions(ctx,nil); t.Log(n,err, time.Since(st))
		st=time.Now()
		s,err:=db.SearchRegions(ctx, "大辛店", "", 10); t.Log(s, err, time.Since(st))
		st=time.Now()
		s,err=db.SearchRegions(ctx, "大辛店", "370614000000", 10); t.Log(len(s), err, time.Since(st))
		_ = region.LevelCity
	})
}
