package index

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/text/message"
)

// Error codes, stable for API clients.
const (
	CodeInvalid        = "invalid_parameter"
	CodeUnknownPlace   = "unknown_place"
	CodeUnknownType    = "unknown_type"
	CodeUnknownService = "unknown_service"
	CodeOutOfRange     = "out_of_range"
	CodeTooLong        = "too_long"
	CodeNotFound       = "not_found"
)

// Error is a problem with what the caller asked, naming the parameter at
// fault: the query language and the engine return it, and the HTTP layer
// answers it with 400 (404 for CodeNotFound). Message is in English; an
// Error made by Errorf also says itself in other languages (Localize).
type Error struct {
	Code        string   `json:"code"`
	Param       string   `json:"param,omitempty"`
	Message     string   `json:"message"`
	Suggestions []string `json:"suggestions,omitempty"`

	format string
	args   []any
}

func (e *Error) Error() string {
	if e.Param != "" {
		return fmt.Sprintf("%s: %s", e.Param, e.Message)
	}
	return e.Message
}

// Errorf builds an *Error whose message is format with args; the format
// is the key of its translations.
func Errorf(code, param, format string, args ...any) *Error {
	return &Error{Code: code, Param: param, Message: fmt.Sprintf(format, args...), format: format, args: args}
}

// didYouMean ends a message with suggestions; a translation key too.
const didYouMean = "; did you mean %s?"

// WithSuggestions adds what the caller may have meant, and says it.
func (e *Error) WithSuggestions(s []string) *Error {
	if len(s) == 0 {
		return e
	}
	e.Suggestions = s
	e.Message += fmt.Sprintf(didYouMean, strings.Join(s, ", "))
	return e
}

// Localize says the error in the language of p, suggestions included.
// Without a translation, or for an Error not made by Errorf, it is the
// English message.
func (e *Error) Localize(p *message.Printer) string {
	if e.format == "" || p == nil {
		return e.Message
	}
	msg := p.Sprintf(e.format, e.args...)
	if len(e.Suggestions) > 0 {
		msg += p.Sprintf(didYouMean, strings.Join(e.Suggestions, ", "))
	}
	return msg
}

// ErrStorage marks an error of the index's storage (its text index on
// disk): not the caller's fault, and a sign the catalog is not healthy.
var ErrStorage = errors.New("index storage error")

// AsError returns the *Error in err's chain, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
