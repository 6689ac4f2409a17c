package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/crypto/argon2"

	"minzheng"
)

// Hasher hashes passwords with argon2id. The cost is part of each hash, so
// raising it later leaves existing hashes readable.
type Hasher struct {
	Time      uint32 // passes
	MemoryKiB uint32
	Threads   uint8
}

// DefaultHasher is the production cost: 64 MiB, two passes, two lanes
// (RFC 9106's second recommendation, with the lanes this project's 2-core
// machines have). A password check takes about 40–70 ms there, so a whole
// sign-in stays under the 150 ms it may take (docs/BENCHMARKS.md), with
// room for a busy machine; it is well above OWASP's minimum for argon2id.
var DefaultHasher = Hasher{Time: 2, MemoryKiB: 64 * 1024, Threads: 2}

// TestHasher is a cheap cost for tests that create many accounts.
var TestHasher = Hasher{Time: 1, MemoryKiB: 1024, Threads: 1}

// Hash returns the PHC string of password: $argon2id$v=19$m=…,t=…,p=…$salt$hash.
func (h Hasher) Hash(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, h.Time, h.MemoryKiB, h.Threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, h.MemoryKiB, h.Time, h.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches the PHC string encoded.
func CheckPassword(encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, fmt.Errorf("auth: not an argon2id hash")
	}
	var v int
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false, fmt.Errorf("auth: argon2 version %q", parts[2])
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false, fmt.Errorf("auth: argon2 parameters %q: %w", parts[3], err)
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false, fmt.Errorf("auth: salt: %w", err)
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil {
		return false, fmt.Errorf("auth: hash: %w", err)
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// DemoPassword is the password of the demo accounts. It is refused as a
// password everywhere but in a database made by `minzheng demo`.
const DemoPassword = "minzheng-demo"

// ValidatePassword checks a new password: at least 10 characters, of at
// least two kinds among letters, digits and symbols, and not the demo
// password outside a demo database.
func ValidatePassword(pw string, demo bool) error {
	if pw == DemoPassword && !demo {
		return minzheng.Invalid("password", "不能使用演示密码，请另设密码")
	}
	n := 0
	var letter, digit, other bool
	for _, r := range pw {
		n++
		switch {
		case unicode.IsLetter(r):
			letter = true
		case unicode.IsDigit(r):
			digit = true
		case unicode.IsSpace(r) && r != ' ':
			return minzheng.Invalid("password", "密码不能包含换行或制表符")
		default:
			other = true
		}
	}
	if n < 10 {
		return minzheng.Invalid("password", "密码至少需要 10 个字符")
	}
	if n > 128 {
		return minzheng.Invalid("password", "密码不能超过 128 个字符")
	}
	kinds := 0
	for _, b := range []bool{letter, digit, other} {
		if b {
			kinds++
		}
	}
	if kinds < 2 {
		return minzheng.Invalid("password", "密码需包含字母、数字、符号中的至少两种")
	}
	return nil
}

// NewToken returns a random bearer or session token and the hash under
// which it is stored: the database never holds a usable token.
func NewToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("auth: token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, TokenHash(token), nil
}

// TokenHash is the stored form of a token.
func TokenHash(token string) string {
	s := sha256.Sum256([]byte(token))
	return hex.EncodeToString(s[:])
}
