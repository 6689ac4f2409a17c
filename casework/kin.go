package casework

import (
	"minzheng"
	"minzheng/auth"
)

// KinCheck applies the kin register (近亲属备案) to an action on a flagged
// case: an officer registered as the applicant's relative may not act on it
// (《低保办法》第11条), and its home visit is the county's (第20条).
// staff are the usernames of the related officers.
func KinCheck(flagged bool, staff []string, a Action, actor minzheng.Actor) error {
	if !flagged {
		return nil
	}
	for _, s := range staff {
		if s != "" && s == actor.Username {
			return &minzheng.Error{Code: minzheng.CodeForbidden,
				Message: "您与申请家庭成员有近亲属关系，已备案，应当回避，不能办理本案（《最低生活保障审核确认办法》第11条）"}
		}
	}
	if a == HomeVisit && auth.Role(actor.Role) != auth.RoleCountyOfficer {
		return &minzheng.Error{Code: minzheng.CodeForbidden,
			Message: "申请家庭有近亲属备案人员，须由县级民政部门入户调查（《最低生活保障审核确认办法》第20条）"}
	}
	return nil
}
