package auth

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"minzheng"
	"minzheng/region"
)

// User is a staff account.
type User struct {
	ID          int64
	Username    string
	DisplayName string
	Role        Role
	Region      region.Code  // Country for national accounts
	RegionLevel region.Level // the level the region was given as (441900 is a county, though it pads like 东莞市 4419)
	Active      bool
	LockedUntil time.Time // zero when not locked
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// RegionShort is the account's region as it was entered: 370614, 441900.
func (u User) RegionShort() string { return region.Short(u.Region, u.RegionLevel) }

// Actor is who the user acts as.
func (u User) Actor() minzheng.Actor {
	return minzheng.Actor{UserID: u.ID, Username: u.Username, Role: string(u.Role), Region: string(u.Region)}
}

// UserInput is what an administrator enters to create or change an account.
type UserInput struct {
	Username    string
	DisplayName string
	Role        string
	Region      string // 2/4/6/9/12 digits, or "" for the whole country
	Password    string // required to create; "" keeps it when changing
	Active      bool
}

var usernameRE = regexp.MustCompile(`^[a-z][a-z0-9_.-]{2,31}$`)

// Checked is a UserInput that passed Validate.
type Checked struct {
	Username    string
	DisplayName string
	Role        Role
	Region      region.Code
	RegionLevel region.Level
	Password    string
	Active      bool
}

// Validate checks the input. creating says whether a password is required;
// demo whether the demo password is allowed.
func (in UserInput) Validate(creating, demo bool) (Checked, error) {
	c := Checked{
		Username:    strings.TrimSpace(in.Username),
		DisplayName: strings.TrimSpace(in.DisplayName),
		Password:    in.Password,
		Active:      in.Active,
	}
	if !usernameRE.MatchString(c.Username) {
		return c, minzheng.Invalid("username", "用户名需为 3 到 32 位小写字母、数字或 _ . -，并以字母开头")
	}
	if c.DisplayName == "" {
		c.DisplayName = c.Username
	}
	if utf8.RuneCountInString(c.DisplayName) > 40 {
		return c, minzheng.Invalid("display_name", "姓名不能超过 40 个字")
	}
	role, err := ParseRole(in.Role)
	if err != nil {
		return c, err
	}
	c.Role = role
	if r := strings.TrimSpace(in.Region); r != "" {
		code, level, err := region.Parse(r)
		if err != nil {
			e, _ := minzheng.AsError(err)
			return c, minzheng.Invalid("region", "%s", e.Message)
		}
		c.Region, c.RegionLevel = code, level
	}
	if want := role.Level(); want != 0 && c.RegionLevel != want {
		return c, minzheng.Invalid("region", "%s须绑定到%s级区划", role.Chinese(), want.Chinese())
	}
	if creating || c.Password != "" {
		if err := ValidatePassword(c.Password, demo); err != nil {
			return c, err
		}
	}
	return c, nil
}

// Sign-in limits: five failures within the window lock the account for the
// lock time. The login error never says whether the user exists, nor
// whether it is locked.
const (
	MaxFailures   = 5
	FailureWindow = 15 * time.Minute
	LockTime      = 15 * time.Minute
	SessionTime   = 12 * time.Hour // a browser session
	TokenTime     = 24 * time.Hour // an API bearer token
)

// ErrBadLogin is the one answer to a failed sign-in, whatever failed.
var ErrBadLogin = &minzheng.Error{Code: minzheng.CodeUnauthorized,
	Message: "用户名或密码错误；连续输错 5 次将锁定 15 分钟"}
