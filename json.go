package minzheng

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// DecodeJSON reads exactly one JSON object into v, refusing unknown fields
// (a misspelt field must not be silently ignored by a rule), and answers
// any problem as an Invalid error in Chinese naming the field.
func DecodeJSON(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return JSONError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Invalid("", "请求内容只能是一个 JSON 对象")
	}
	return nil
}

// JSONError turns a decoding error into an Invalid error with a Chinese
// message and the field's JSON path.
func JSONError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return Invalid("", "请求内容为空，应为 JSON 对象")
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return Invalid("", "请求内容不是有效的 JSON")
	case errors.As(err, &typ) && IsValueError(typ):
		return Invalid(jsonPath(typ.Field), "%s", typ.Value)
	case errors.As(err, &typ) && typ.Field == "":
		return Invalid("", "请求内容应为 JSON 对象")
	case errors.As(err, &typ):
		return Invalid(typ.Field, "字段 %s 的类型不对", typ.Field)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return Invalid(f, "未知字段 %s", f)
	}
	if _, ok := AsError(err); ok {
		return err
	}
	// A field's own decoder (dates, months) says what is wrong in Chinese.
	return Invalid("", "请求内容有误：%s", err.Error())
}

// jsonPath is a decoder's field path without the Go names of embedded
// structs ("members.PersonFacts.death_date" → "members.death_date").
func jsonPath(p string) string {
	parts := strings.Split(p, ".")
	out := parts[:0]
	for _, s := range parts {
		if s != "" && (s[0] < 'A' || s[0] > 'Z') {
			out = append(out, s)
		}
	}
	return strings.Join(out, ".")
}
