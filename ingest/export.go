package ingest

import (
	"encoding/csv"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tierslieux/tierslieux/ingest/hours"
)

// The patterns of the standard's schema.json that the export must meet.
var (
	medNumPivot = regexp.MustCompile(`^[a-zA-Z0-9]{9,14}$`)
	medNumPhone = regexp.MustCompile(`^(\+33|\+590|\+594|\+262|\+596|\+269|\+687|\+689|\+508|\+681)(\d){6,9}$`)
	medNumINSEE = regexp.MustCompile(`^([013-9]\d|2[AB1-9])\d{3}$`)
	medNumCP    = regexp.MustCompile(`^\d{5}$`)
)

// MedNumPivotUnknown stands for a SIRET the place does not have: the
// standard requires a pivot of 9 to 14 letters or digits, and fourteen
// zeros is no structure's number.
const MedNumPivotUnknown = "00000000000000"

// medNumResumeMax is the standard's maxLength of presentation_resume.
const medNumResumeMax = 280

// MedNumStats counts what an export to the standard had to stand in for
// or leave out, so that nothing is silently made up.
type MedNumStats struct {
	Written int
	// Skipped places lack what the standard requires and nothing can
	// stand in for: a commune or a five-digit postcode.
	Skipped []string // their IDs
	// PivotUnknown places had no SIRET, RNA or RIDET: MedNumPivotUnknown.
	PivotUnknown int
	// AddressIsCommune places had no street address: adresse holds the
	// commune's name.
	AddressIsCommune int
	// DateFilled places had no update date: date_maj is the export's date.
	DateFilled int
	// PhoneDropped places had a phone number that is not French or not
	// complete: telephone is left empty.
	PhoneDropped int
	// ResumeCut places had a description longer than 280 characters: it
	// is cut for presentation_resume and kept whole in presentation_detail
	// when that was empty.
	ResumeCut int
}

// MedNumWriter writes places as a CSV file in the national standard "Lieux
// de médiation numérique" v1.0.2, that validates against its schema.json.
type MedNumWriter struct {
	w     *csv.Writer
	date  string
	stats MedNumStats
}

// NewMedNumWriter writes the header row. date is the date_maj of places
// without one (YYYY-MM-DD); "" is today's date.
func NewMedNumWriter(w io.Writer, date string) (*MedNumWriter, error) {
	if date == "" {
		date = time.Now().Format("2006-01-02")
	} else if d, ok := parseDate(date); ok {
		date = d
	} else {
		return nil, &FieldError{Field: "date_maj", Reason: ReasonBadValue, Value: date, Message: "is not a date (YYYY-MM-DD)"}
	}
	mw := &MedNumWriter{w: csv.NewWriter(w), date: date}
	return mw, mw.w.Write(MedNumColumns)
}

// Write writes one place, unless it lacks what the standard requires.
func (mw *MedNumWriter) Write(p *Place) error {
	st := &mw.stats
	postcode := p.Postcode
	if p.Commune == "" || !medNumCP.MatchString(postcode) || strings.TrimSpace(p.Name) == "" || strings.TrimSpace(p.ID) == "" {
		st.Skipped = append(st.Skipped, p.ID)
		return nil
	}
	pivot := p.Pivot
	if !medNumPivot.MatchString(pivot) {
		pivot = MedNumPivotUnknown
		st.PivotUnknown++
	}
	address := p.Address
	if address == "" {
		address = p.Commune
		st.AddressIsCommune++
	}
	updated := p.Updated
	if updated == "" {
		updated = mw.date
		st.DateFilled++
	}
	phone := medNumPhoneNumber(p.Phone)
	if p.Phone != "" && phone == "" {
		st.PhoneDropped++
	}
	insee := p.INSEE
	if !medNumINSEE.MatchString(insee) {
		insee = ""
	}
	// The standard wants OSM syntax: hours read leniently ("Lu-Ve 9h-12h")
	// are written in their normalised form.
	openingHours := ""
	if s, err := hours.Parse(p.OpeningHours); err == nil && p.OpeningHours != "" {
		openingHours = s.String()
	}
	resume, detail := p.Description, p.Details
	if utf8.RuneCountInString(resume) > medNumResumeMax {
		if detail == "" {
			detail = resume
		}
		resume = cutWords(resume, medNumResumeMax)
		st.ResumeCut++
	}
	row := map[string]string{
		"id": p.ID, "pivot": pivot, "nom": p.Name, "commune": p.Commune, "code_postal": postcode, "code_insee": insee,
		"adresse": address, "complement_adresse": p.AddressExtra,
		"latitude": strconv.FormatFloat(p.Lat, 'f', -1, 64), "longitude": strconv.FormatFloat(p.Lon, 'f', -1, 64),
		"typologie": strings.Join(medNumTypologie(p), "|"), "telephone": phone,
		"courriels": joinList(append([]string{p.Email}, p.OtherEmails...)),
		"site_web":  joinList(append([]string{p.Website}, p.OtherWebsites...)),
		"horaires":  openingHours, "presentation_resume": resume, "presentation_detail": detail,
		"source": p.Source, "itinerance": joinList(Mobility.Labels(p.Mobility)), "structure_parente": p.Parent,
		"date_maj": updated, "services": joinList(MedNumServiceLabels(p.Services)),
		"publics_specifiquement_adresses": joinList(Publics.Labels(p.Publics)),
		"prise_en_charge_specifique":      joinList(Accessibility.Labels(p.Accessibility)),
		"frais_a_charge":                  joinList(Fees.Labels(p.Fees)),
		"dispositif_programmes_nationaux": joinList(Programs.Labels(p.Programs)),
		"formations_labels":               joinList(Labels.Labels(p.Labels)),
		"autres_formations_labels":        joinList(p.OtherLabels),
		"modalites_acces":                 joinList(AccessModes.Labels(p.AccessModes)),
		"modalites_accompagnement":        joinList(SupportModes.Labels(p.SupportModes)),
		"fiche_acces_libre":               p.AccesLibreURL, "prise_rdv": p.BookingURL,
	}
	rec := make([]string, len(MedNumColumns))
	for i, c := range MedNumColumns {
		rec[i] = strings.ToValidUTF8(row[c], "\uFFFD")
	}
	st.Written++
	return mw.w.Write(rec)
}

// Close flushes the file and returns what the export stood in for.
func (mw *MedNumWriter) Close() (MedNumStats, error) {
	mw.w.Flush()
	return mw.stats, mw.w.Error()
}

// medNumTypologie gives the typology codes the place came with, or, for
// a place that came without, those its types say: TIERS_LIEUX for a
// coworking, FABLAB for a fablab (mediation-numerique alone says nothing
// of the structure).
func medNumTypologie(p *Place) []string {
	if len(p.Typologie) > 0 {
		return p.Typologie
	}
	var out []string
	if p.HasType("coworking") {
		out = append(out, "TIERS_LIEUX")
	}
	if p.HasType("fablab") {
		out = append(out, "FABLAB")
	}
	return out
}

// medNumPhoneNumber writes a French number in the standard's form,
// "+33" and the digits without the leading zero, or "" when it cannot.
func medNumPhoneNumber(s string) string {
	var b strings.Builder
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		}
	}
	n := b.String()
	switch {
	case strings.HasPrefix(n, "00"):
		n = "+" + n[2:]
	case strings.HasPrefix(n, "0") && len(n) == 10:
		n = "+33" + n[1:]
	}
	if !medNumPhone.MatchString(n) {
		return ""
	}
	return n
}

// joinList joins a list with "|", the standard's separator, leaving out
// empty values and replacing a "|" inside one.
func joinList(list []string) string {
	var out []string
	for _, v := range list {
		if v = strings.TrimSpace(strings.ReplaceAll(v, "|", "/")); v != "" {
			out = append(out, v)
		}
	}
	return strings.Join(out, "|")
}

// cutWords shortens s to at most n characters, at a word boundary, with
// an ellipsis.
func cutWords(s string, n int) string {
	runes := []rune(s)
	if len(runes) <= n {
		return s
	}
	cut := n - 1
	for i := cut; i > n/2; i-- {
		if runes[i] == ' ' {
			cut = i
			break
		}
	}
	return strings.TrimRight(string(runes[:cut]), " ,;:") + "…"
}
