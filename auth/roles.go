// Package auth holds accounts: roles and what each may do (the permission
// matrix), password hashing, tokens, and the rules of signing in.
//
// Every staff account is bound to one region and sees that region and
// everything below it (region.Narrow); what it may do there is its role's.
package auth

import (
	"minzheng"
	"minzheng/region"
)

// Role is what an account is for.
type Role string

// The roles, from the village up, then the two that cut across.
const (
	RoleVillageClerk    Role = "village_clerk"    // 村(居)协理员
	RoleTownshipOfficer Role = "township_officer" // 乡镇(街道)民政办
	RoleCountyOfficer   Role = "county_officer"   // 县级民政局
	RoleCityOfficer     Role = "city_officer"     // 市民政局
	RoleProvinceOfficer Role = "province_officer" // 省民政厅
	RoleAuditor         Role = "auditor"          // 审计 / 纪检: reads everything in scope, changes nothing
	RoleAdmin           Role = "admin"            // 系统管理员
)

// Roles lists every role, in the order the users page offers them.
var Roles = []Role{RoleVillageClerk, RoleTownshipOfficer, RoleCountyOfficer, RoleCityOfficer,
	RoleProvinceOfficer, RoleAuditor, RoleAdmin}

var roleInfo = map[Role]struct {
	chinese string
	level   region.Level // the level of region the account must be bound to; 0: any, the country included
}{
	RoleVillageClerk:    {"村(居)协理员", region.LevelVillage},
	RoleTownshipOfficer: {"乡镇(街道)经办人", region.LevelTownship},
	RoleCountyOfficer:   {"县级民政干部", region.LevelCounty},
	RoleCityOfficer:     {"市级民政干部", region.LevelCity},
	RoleProvinceOfficer: {"省级民政干部", region.LevelProvince},
	RoleAuditor:         {"审计监督", 0},
	RoleAdmin:           {"系统管理员", 0},
}

// ParseRole reads a role's code name.
func ParseRole(s string) (Role, error) {
	if _, ok := roleInfo[Role(s)]; ok {
		return Role(s), nil
	}
	return "", minzheng.Invalid("role", "角色 %q 不存在", s)
}

// Chinese is the role's name on screen.
func (r Role) Chinese() string {
	if i, ok := roleInfo[r]; ok {
		return i.chinese
	}
	if r == "system" {
		return "系统"
	}
	return string(r)
}

// Level is the level of region an account of this role is bound to; 0 for
// roles that may be bound to any region or to the whole country.
func (r Role) Level() region.Level { return roleInfo[r].level }

// Permission is one thing an account may do.
type Permission string

// The permissions. Later parts of the program add theirs here, with a row in
// the matrix below and its test.
const (
	PermRegionEdit     Permission = "region.edit"        // set a region's attributes
	PermCalendarEdit   Permission = "calendar.edit"      // enter a year's holidays
	PermUserRead       Permission = "user.read"          // see accounts
	PermUserManage     Permission = "user.manage"        // create and change accounts
	PermAuditRead      Permission = "audit.read"         // read the operation log
	PermAuditVerify    Permission = "audit.verify"       // verify the log's hash chain
	PermJobRead        Permission = "job.read"           // follow background jobs
	PermIDReveal       Permission = "id_number.reveal"   // show an ID number unmasked (audited)
	PermHouseholdRead  Permission = "household.read"     // see households in the registry
	PermHouseholdWrite Permission = "household.write"    // create and change households, import
	PermParamEdit      Permission = "param.edit"         // set a standard: add a dated parameter row with its document
	PermCaseRead       Permission = "case.read"          // see cases, notices in the making, the kin register
	PermCaseAct        Permission = "case.act"           // record applications and act on cases (the flow's table says which actions)
	PermPaymentRead    Permission = "payment.read"       // see payrolls, payments, ledgers and recoveries (card custody is the registry's: household.read/write)
	PermPaymentRun     Permission = "payment.run"        // generate, approve (not one's own), export and reconcile payrolls; holds, recoveries
	PermReportRead     Permission = "report.read"        // read the statistics reports of the region
	PermBankTemplate   Permission = "bank_template.edit" // set a bank's file layout
)

// permissionInfo names each permission and says whether it changes data;
// the auditor holds no permission that does.
var permissionInfo = map[Permission]struct {
	chinese string
	write   bool
}{
	PermRegionEdit:     {"修改区划属性", true},
	PermCalendarEdit:   {"录入节假日安排", true},
	PermUserRead:       {"查看用户", false},
	PermUserManage:     {"管理用户", true},
	PermAuditRead:      {"查看操作日志", false},
	PermAuditVerify:    {"校验操作日志", false},
	PermJobRead:        {"查看后台任务", false},
	PermIDReveal:       {"查看完整身份证号", false},
	PermHouseholdRead:  {"查看家庭档案", false},
	PermHouseholdWrite: {"登记和修改家庭档案", true},
	PermParamEdit:      {"设定救助标准", true},
	PermCaseRead:       {"查看案件", false},
	PermCaseAct:        {"办理案件", true},
	PermPaymentRead:    {"查看资金发放", false},
	PermPaymentRun:     {"办理资金发放", true},
	PermReportRead:     {"查看统计报表", false},
	PermBankTemplate:   {"设置银行文件格式", true},
}

// matrix is the permission matrix: who may do what, within their region.
var matrix = map[Role][]Permission{
	RoleVillageClerk:    {PermJobRead, PermHouseholdRead, PermHouseholdWrite, PermCaseRead, PermCaseAct, PermReportRead},
	RoleTownshipOfficer: {PermJobRead, PermIDReveal, PermHouseholdRead, PermHouseholdWrite, PermCaseRead, PermCaseAct, PermPaymentRead, PermReportRead},
	// The county pays (《低保办法》第25条): its officers generate and
	// approve payrolls, each approving only what another generated.
	RoleCountyOfficer: {PermJobRead, PermIDReveal, PermAuditRead, PermHouseholdRead, PermHouseholdWrite, PermParamEdit, PermCaseRead, PermCaseAct,
		PermPaymentRead, PermPaymentRun, PermReportRead, PermBankTemplate},
	RoleCityOfficer:     {PermJobRead, PermIDReveal, PermAuditRead, PermHouseholdRead, PermParamEdit, PermCaseRead, PermPaymentRead, PermReportRead},
	RoleProvinceOfficer: {PermJobRead, PermIDReveal, PermAuditRead, PermHouseholdRead, PermParamEdit, PermCaseRead, PermPaymentRead, PermReportRead},
	RoleAuditor:         {PermJobRead, PermIDReveal, PermAuditRead, PermAuditVerify, PermUserRead, PermHouseholdRead, PermCaseRead, PermPaymentRead, PermReportRead},
	// The administrator runs the system and sees no one's personal data; a
	// national administrator also keeps the national default standards.
	RoleAdmin: {PermJobRead, PermAuditRead, PermAuditVerify, PermRegionEdit, PermCalendarEdit, PermUserRead, PermUserManage, PermParamEdit, PermBankTemplate},
}

// Permissions lists every permission, for the matrix page and its test.
func Permissions() []Permission {
	return []Permission{PermRegionEdit, PermCalendarEdit, PermUserRead, PermUserManage, PermAuditRead, PermAuditVerify,
		PermJobRead, PermIDReveal, PermHouseholdRead, PermHouseholdWrite, PermParamEdit, PermCaseRead, PermCaseAct,
		PermPaymentRead, PermPaymentRun, PermReportRead, PermBankTemplate}
}

// Chinese is the permission's name on screen.
func (p Permission) Chinese() string { return permissionInfo[p].chinese }

// Writes reports whether the permission changes data.
func (p Permission) Writes() bool { return permissionInfo[p].write }

// Can reports whether role r holds permission p. The system actor (command
// line, jobs) holds all of them; it is audited like anyone else.
func Can(a minzheng.Actor, p Permission) bool {
	if a.IsSystem() {
		return true
	}
	for _, q := range matrix[Role(a.Role)] {
		if q == p {
			return true
		}
	}
	return false
}

// RequireCountry refuses an actor bound to a region the things that are the
// same for the whole country (the holiday calendar, the whole audit log).
func RequireCountry(a minzheng.Actor, what string) error {
	if a.Region == "" {
		return nil
	}
	return &minzheng.Error{Code: minzheng.CodeForbidden, Message: what + "全国统一，只有全国范围的账户可以操作"}
}

// Require returns a forbidden error naming what a may not do, or nil.
func Require(a minzheng.Actor, p Permission) error {
	if Can(a, p) {
		return nil
	}
	if a.IsAnonymous() {
		return &minzheng.Error{Code: minzheng.CodeUnauthorized, Message: "请先登录"}
	}
	return &minzheng.Error{Code: minzheng.CodeForbidden,
		Message: "您的角色（" + Role(a.Role).Chinese() + "）无权" + p.Chinese()}
}
