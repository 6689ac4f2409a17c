package synth

import (
	"math/rand/v2"

	"minzheng"
	"minzheng/registry"
)

// idAlloc hands out ID numbers that are unique over a run. The number is
// county + birth date + a three-digit sequence whose last digit's parity is
// the sex (GB 11643-1999), so each (county, birth date, sex) has 500
// sequences. A counter per (county, birth date) — two 16-bit halves, one per
// sex — says how many are taken; the n-th person gets the n-th element of a
// permutation of the 500 (an offset and a stride coprime to 500, both from a
// hash of the seed and the key), so that sequences look scattered, as real
// ones do, instead of counting 001, 003, 005 … In the unheard-of case of a
// day running full, the person is born a day earlier.
//
// Memory: one map entry per distinct (county, birth date) pair: at most one
// per person, ≈ 30 bytes each, so under 40 MB for a million persons and
// typically far less, since persons of one county share birth dates (a
// million persons over the seed regions: ≈ 700,000 entries, ≈ 20 MB).
//
// Uniqueness holds within a run only. The seed is mixed into the
// permutation, so two runs with different seeds collide only by chance —
// about kA·kB/500 times per (county, birth date, sex) shared by kA and kB
// persons — which for two runs of a million persons over the seed regions
// came to ≈ 1,300 numbers (0.13 %): a second run into the same database
// must expect, and skip, the households whose numbers are taken. The same
// seed twice gives the same numbers, of course.
type idAlloc struct {
	seed uint64
	used map[uint64]uint32
}

// newIDAlloc makes an allocator with room for about size keys.
func newIDAlloc(seed uint64, size int) idAlloc {
	return idAlloc{seed: seed, used: make(map[uint64]uint32, size)}
}

// mix is splitmix64's finaliser.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// next returns a fresh number for a person of the county born on birth (or,
// if that day is full, the day before: the birth date actually used is
// returned too).
func (a *idAlloc) next(county string, countyN uint32, birth minzheng.Date, male bool) (registry.IDNumber, minzheng.Date) {
	shift := uint(16)
	if male {
		shift = 0
	}
	for {
		key := uint64(countyN)<<32 | uint64(uint32(birth))
		v := a.used[key]
		n := uint64(v>>shift) & 0xffff
		if n < 500 {
			a.used[key] = v + 1<<shift
			h := mix(a.seed ^ key*0x9e3779b97f4a7c15 ^ uint64(shift+1)<<56)
			start := h % 500
			stride := (h>>20)%250*2 + 1 // odd …
			if stride%5 == 0 {          // … and not a multiple of 5: coprime to 500
				stride += 2
			}
			seq := int((start+n*stride)%500) * 2
			if male {
				seq++
			}
			return registry.NewIDNumber(county, birth, seq), birth
		}
		birth--
	}
}

// Mobile number prefixes (号段) of China Mobile, China Unicom and China
// Telecom in common use.
var mobilePrefixes = []string{
	"130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
	"150", "151", "152", "153", "155", "156", "157", "158", "159",
	"166", "173", "175", "176", "177", "178",
	"180", "181", "182", "183", "184", "185", "186", "187", "188", "189",
	"191", "198", "199",
}

func phone(r *rand.Rand) string {
	var b [11]byte
	copy(b[:], mobilePrefixes[r.IntN(len(mobilePrefixes))])
	x := r.Uint64()
	for i := 3; i < 11; i++ {
		b[i] = byte('0' + x%10)
		x /= 10
	}
	return string(b[:])
}

// A bank and the issuer number (BIN) of its debit cards. The big banks'
// BINs are their common 19-digit debit-card BINs; for rural commercial banks
// and credit cooperatives, which each have their own, a plausible 62xxxx
// is made up per household.
type bank struct {
	name string
	bin  string // "" → 62 + four random digits
}

var (
	bankICBC = bank{"中国工商银行", "622202"}
	bankABC  = bank{"中国农业银行", "622848"}
	bankBOC  = bank{"中国银行", "621661"}
	bankCCB  = bank{"中国建设银行", "621700"}
	bankBOCM = bank{"交通银行", "622262"}
	bankPSBC = bank{"中国邮政储蓄银行", "621799"}
	bankRCB  = bank{"农村商业银行", ""}
	bankRCC  = bank{"农村信用合作社", ""}
	bankQH   = bank{"青海银行", ""}
)

type weightedBank struct {
	b bank
	w int
}

// Where benefit accounts are kept: in the countryside mostly at the rural
// commercial bank (the former credit cooperative), the postal savings bank
// and the Agricultural Bank, which have branches in the townships; in towns
// at the big four as well. 青海's countryside keeps its credit cooperatives.
var (
	ruralBanks = []weightedBank{{bankRCB, 45}, {bankPSBC, 25}, {bankABC, 22}, {bankCCB, 4}, {bankICBC, 4}}
	urbanBanks = []weightedBank{{bankICBC, 22}, {bankCCB, 20}, {bankABC, 15}, {bankPSBC, 15}, {bankRCB, 15}, {bankBOC, 8}, {bankBOCM, 5}}
	qhRural    = []weightedBank{{bankRCC, 45}, {bankPSBC, 25}, {bankABC, 24}, {bankQH, 6}}
	qhUrban    = []weightedBank{{bankICBC, 20}, {bankCCB, 18}, {bankABC, 18}, {bankPSBC, 15}, {bankQH, 14}, {bankRCC, 10}, {bankBOC, 5}}
)

func pickBank(r *rand.Rand, list []weightedBank) bank {
	total := 0
	for _, b := range list {
		total += b.w
	}
	x := r.IntN(total)
	for _, b := range list {
		if x < b.w {
			return b.b
		}
		x -= b.w
	}
	return list[0].b
}

// account makes a card number of n digits (16–19) with its Luhn check digit,
// starting with the bank's BIN.
func account(r *rand.Rand, b bank, n int) string {
	d := make([]byte, n)
	bin := b.bin
	if bin == "" {
		bin = "62"
	}
	copy(d, bin)
	for i := len(bin); i < n-1; i++ {
		d[i] = byte('0' + r.IntN(10))
	}
	// Luhn: double every second digit from the right, the check digit
	// being the rightmost.
	sum := 0
	for i := n - 2; i >= 0; i-- {
		v := int(d[i] - '0')
		if (n-2-i)%2 == 0 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	d[n-1] = byte('0' + (10-sum%10)%10)
	return string(d)
}
