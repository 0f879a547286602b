package ingest

import (
	"fmt"
	"strings"
)

// Precision says how exactly a place's point locates it.
const (
	PrecisionAddress  = "address"  // the building, or near it
	PrecisionCommune  = "commune"  // the centre of its commune
	PrecisionPostcode = "postcode" // a commune sharing its postcode
)

// Place is one third place, as ingested and indexed. Types and Services
// hold vocabulary IDs; Tags keep the services that are not in it.
type Place struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Types        []string `json:"types"`
	Services     []string `json:"services,omitempty"`
	Tags         []string `json:"tags,omitempty"`
	Description  string   `json:"description,omitempty"`
	Address      string   `json:"address,omitempty"`
	Postcode     string   `json:"postcode,omitempty"`
	Commune      string   `json:"commune,omitempty"`
	INSEE        string   `json:"insee,omitempty"`
	Dept         string   `json:"dept,omitempty"`
	Region       string   `json:"region,omitempty"`
	Lon          float64  `json:"lon"`
	Lat          float64  `json:"lat"`
	Precision    string   `json:"precision,omitempty"`
	Website      string   `json:"website,omitempty"`
	Email        string   `json:"email,omitempty"`
	Phone        string   `json:"phone,omitempty"`
	OpeningHours string   `json:"opening_hours,omitempty"`
	LabelYear    int      `json:"label_year,omitempty"`
	Demo         bool     `json:"demo,omitempty"`
	// Note says what is not known about the place, such as an
	// unpublished typology.
	Note string `json:"note,omitempty"`

	// The fields below carry what the national standard "Lieux de
	// médiation numérique" (mednum.go) and the public exports of the
	// region hold. Lists hold IDs of the controlled lists of mednum.go.

	// Typologie keeps the structure typology codes the source gave
	// (data.inclusion's TIERS_LIEUX, EPN, RFS…), from which Types derive.
	Typologie []string `json:"typologie,omitempty"`
	// Pivot is the SIRET, RNA or RIDET number of the structure.
	Pivot        string `json:"pivot,omitempty"`
	AddressExtra string `json:"address_extra,omitempty"` // complement_adresse: floor, building, lieu-dit
	// Details is the long presentation; Description the short one.
	Details string `json:"details,omitempty"`
	// OtherEmails and OtherWebsites hold the addresses and URLs after the
	// first one, which stays in Email and Website.
	OtherEmails   []string `json:"other_emails,omitempty"`
	OtherWebsites []string `json:"other_websites,omitempty"`
	BookingURL    string   `json:"booking_url,omitempty"`    // prise_rdv: online appointments
	AccesLibreURL string   `json:"acceslibre_url,omitempty"` // fiche_acces_libre: accessibility record
	// OpeningHoursRaw keeps the hours as published when they could not be
	// read, wholly or in part: OpeningHours is then empty (unknown, never
	// closed) or holds "unknown" for the days that could not be read.
	OpeningHoursRaw string `json:"opening_hours_raw,omitempty"`
	HoursNote       string `json:"hours_note,omitempty"` // a comment on the hours ("fermé les jours fériés")
	// Updated is the date the source last updated the record, YYYY-MM-DD.
	Updated string `json:"updated,omitempty"`
	Source  string `json:"source,omitempty"` // who collected the record
	Parent  string `json:"parent,omitempty"` // structure_parente: the network or body it belongs to
	// Mobility, Publics, Accessibility, Fees, AccessModes, SupportModes,
	// Programs and Labels hold IDs of the lists of the same names.
	Mobility      []string `json:"mobility,omitempty"`
	Publics       []string `json:"publics,omitempty"`
	Accessibility []string `json:"accessibility,omitempty"`
	Fees          []string `json:"fees,omitempty"`
	AccessModes   []string `json:"access_modes,omitempty"`
	SupportModes  []string `json:"support_modes,omitempty"`
	Programs      []string `json:"programs,omitempty"`
	Labels        []string `json:"labels,omitempty"`
	// OtherLabels are labels and trainings outside the standard's list.
	OtherLabels []string `json:"other_labels,omitempty"`
}

// FieldError names the field of a record that is wrong and why. Reason is
// a stable code for reports; Message is for people.
type FieldError struct {
	Field   string
	Reason  string
	Value   string
	Message string
}

func (e *FieldError) Error() string {
	if e.Value != "" {
		return fmt.Sprintf("%s: %s (%q)", e.Field, e.Message, e.Value)
	}
	return fmt.Sprintf("%s: %s", e.Field, e.Message)
}

// Reason codes shared by Validate and the readers' reports.
const (
	ReasonMissingName    = "missing_name"
	ReasonMissingID      = "missing_id"
	ReasonBadCoordinate  = "bad_coordinate"
	ReasonOutOfRange     = "coordinate_out_of_range"
	ReasonOutsideArea    = "outside_service_area"
	ReasonUnknownType    = "unknown_type"
	ReasonUnknownService = "unknown_service"
	ReasonBadPrecision   = "bad_precision"
)

// Validate checks the invariants every indexed place holds: an ID and a
// name, a point in range, known types and services, a known precision.
// It returns every problem found, not only the first.
func (p *Place) Validate() []*FieldError {
	var errs []*FieldError
	add := func(field, reason, value, msg string) {
		errs = append(errs, &FieldError{Field: field, Reason: reason, Value: value, Message: msg})
	}
	if strings.TrimSpace(p.ID) == "" {
		add("id", ReasonMissingID, "", "is empty")
	}
	if strings.TrimSpace(p.Name) == "" {
		add("name", ReasonMissingName, "", "is empty")
	}
	if !(p.Lat >= -90 && p.Lat <= 90) {
		add("lat", ReasonOutOfRange, fmt.Sprint(p.Lat), "must be within [-90, 90]")
	}
	if !(p.Lon >= -180 && p.Lon <= 180) {
		add("lon", ReasonOutOfRange, fmt.Sprint(p.Lon), "must be within [-180, 180]")
	}
	for _, t := range p.Types {
		if _, ok := TypeTerm(t); !ok {
			add("types", ReasonUnknownType, t, "is not a type of the vocabulary")
		}
	}
	for _, s := range p.Services {
		if _, ok := ServiceTerm(s); !ok {
			add("services", ReasonUnknownService, s, "is not a service of the vocabulary (keep it in tags)")
		}
	}
	switch p.Precision {
	case PrecisionAddress, PrecisionCommune, PrecisionPostcode:
	default:
		add("precision", ReasonBadPrecision, p.Precision, "must be address, commune or postcode")
	}
	return errs
}

// HasType reports whether the place has the type with this ID.
func (p *Place) HasType(id string) bool { return contains(p.Types, id) }

// HasService reports whether the place offers the service with this ID.
func (p *Place) HasService(id string) bool { return contains(p.Services, id) }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
