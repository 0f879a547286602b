package index

import (
	"errors"
	"fmt"
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
// answers it with 400 (404 for CodeNotFound).
type Error struct {
	Code        string   `json:"code"`
	Param       string   `json:"param,omitempty"`
	Message     string   `json:"message"`
	Suggestions []string `json:"suggestions,omitempty"`
}

func (e *Error) Error() string {
	if e.Param != "" {
		return fmt.Sprintf("%s: %s", e.Param, e.Message)
	}
	return e.Message
}

// Errorf builds an *Error.
func Errorf(code, param, format string, args ...any) *Error {
	return &Error{Code: code, Param: param, Message: fmt.Sprintf(format, args...)}
}

// AsError returns the *Error in err's chain, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
