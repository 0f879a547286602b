// Tiers-lieux Occitanie: the search page. A plain ES module, no framework,
// no build step. Leaflet (window.L) is loaded before it by index.html; the
// list works without it. The state is the page URL: /?q=&type=&near=&radius=&bbox=…
// holds the API's own parameters, plus lang=en. The API is addressed relative
// to this script, {base}/static/app.js, so that the page works under the path
// a reverse proxy serves it at (serve -base-path).

const $ = (s, r = document) => r.querySelector(s);
const BASE = new URL('../', import.meta.url);
const API_KEYS = ['q', 'type', 'service', 'dept', 'near', 'radius', 'bbox', 'sort', 'demo', 'from', 'to', 'detour', 'open', 'open_unknown', 'within',
  'publics', 'accessibility', 'fees', 'access_modes', 'support_modes', 'mobility', 'programs', 'labels'];
const PAGE = 50; // results per page of the list
const MAX_MARKERS = 200; // above this many matches the map shows clusters
const CLUSTER_ZOOM = 9; // below this zoom the map shows clusters
const OCCITANIE = [[42.33, -0.33], [45.05, 4.85]];

// The vocabulary and the names of départements and régions, in the page
// as the server reads queries with them (query.Vocabulary): id → [French,
// English], and the folded keys that name each type.
const VOCAB = JSON.parse(document.getElementById('tierslieux-vocabulary').textContent);
const byID = list => Object.fromEntries(list.map(x => [x.id, [x.fr, x.en]]));
const TYPES = byID(VOCAB.types);
const SERVICES = byID(VOCAB.services);
const TYPE_KEYS = VOCAB.types.flatMap(x => x.keys);
const LISTS = Object.fromEntries(Object.entries(VOCAB.lists).map(([k, v]) => [k, byID(v)]));
const DEPTS = VOCAB.departements;
const REGIONS = VOCAB.regions;

const DICT = {
  fr: {
    docTitle: 'Tiers-lieux en Occitanie — recherche', title: 'Tiers-lieux en Occitanie', skip: 'Aller aux résultats',
    qLabel: 'Rechercher un lieu, un service ou une commune', qPlaceholder: 'fablab près de Rodez, impression 3D, coworking à Millau…',
    suggestions: 'Suggestions', searchBtn: 'Rechercher', typesLegend: 'Types de lieux', radiusLabel: 'Rayon', radiusAuto: 'auto',
    locate: 'Autour de moi', results: 'Résultats', more: 'Afficher plus de lieux', mapLabel: 'Carte des lieux',
    searchArea: 'Rechercher dans cette zone', showMap: 'Carte', showList: 'Liste', lang: 'English', langLabel: 'English version',
    count: n => n ? (n > 1 ? `${fmt(n)} lieux` : '1 lieu') : 'Aucun lieu', shown: n => `${fmt(n)} affichés`,
    near: n => `près de ${n}`, within: (k, n) => `à moins de ${k} de ${n}`, auto: 'rayon adapté', nearest: n => `les plus proches de ${n}`,
    you: 'votre position', area: 'dans la zone de la carte', dept: 'département', region: 'région', or: ' ou ',
    none: 'Aucun lieu ne correspond. Essayez un rayon plus grand, un autre type ou une autre commune.',
    noneText: w => `Aucun lieu ne contient ${w}. Retirez un mot ou un filtre.`,
    noneFilters: 'Aucun lieu ne correspond à ces filtres. Retirez un type, un service ou un département.',
    corrected: (a, b) => `« ${a} » lu comme ${b}.`, ignored: w => `« ${w} » ignoré`, require: w => `exiger « ${w} »`,
    orElse: 'Ou :', needsLegend: 'Besoins',
    listNames: { publics: 'Publics', accessibility: 'Accompagnement adapté', fees: 'Frais', access_modes: 'Accès', support_modes: 'Accompagnement', mobility: 'Itinérance', programs: 'Dispositifs', labels: 'Labels' },
    trip: 'Trajet', tripFrom: 'De', tripTo: 'À', tripDetour: 'Détour', tripGo: 'Chercher sur le trajet',
    tripFromPh: "L'Isle-Jourdain", tripToPh: 'Toulouse', onTrip: (a, b, d) => `sur le trajet de ${a} à ${b} (détour ≤ ${d})`,
    detour: d => `+${d} de détour`, openLegend: 'Ouvert', openLabel: 'Ouvert :', openNow: 'maintenant', openToday: "aujourd'hui",
    openTomorrow: 'demain', openSaturday: 'samedi', openWeekend: 'ce week-end',
    isOpen: 'Ouvert maintenant', isClosed: 'Fermé maintenant', today: "Aujourd'hui", hoursUnknown: n => `${fmt(n)} sans horaires connus, non comptés`,
    noneOpen: d => `Aucun lieu n'est ${d} (selon ses horaires). Essayez un autre moment.`,
    noneTrip: d => `Aucun lieu à moins de ${d} de détour. Essayez un détour plus grand.`,
    minutes: (m, k, v) => `à moins de ${m} min (≈ ${k} à vol d'oiseau à ${v} km/h, pas un temps de trajet)`,
    demo: 'exemple fictif', demoNote: "Exemple fictif : ce lieu n'existe pas, il sert à montrer le service.",
    booking: 'Rendez-vous en ligne', back: '← Retour', address: 'Adresse', hours: 'Horaires', hoursRaw: 'Horaires (tels que publiés)', services: 'Services', tags: 'Autres', website: 'Site web',
    email: 'Courriel', phone: 'Téléphone', labelYear: 'Labellisé en', distance: 'Distance',
    approx: 'Position approximative : centre de la commune ou du code postal.', loading: 'Chargement…',
    net: 'Le service de recherche ne répond pas. Vérifiez votre connexion et réessayez.', apiErr: 'Recherche impossible : ',
    didYouMean: 'Vouliez-vous dire :', noPlace: "Ce lieu n'existe plus.",
    geoDenied: 'Géolocalisation refusée : autorisez-la dans votre navigateur ou tapez une commune.',
    geoError: 'Position introuvable : réessayez, ou tapez une commune.', geoNone: 'Votre navigateur ne sait pas vous localiser : tapez une commune.',
    locating: 'Recherche de votre position…', noMap: "La carte n'a pas pu être chargée ; la liste reste disponible.",
    cluster: n => `${fmt(n)} lieux : zoomer sur ce groupe`, remove: s => `Retirer le filtre ${s}`,
    kinds: { type: 'type', service: 'service', commune: 'commune', departement: 'département', region: 'région', place: 'lieu' },
    days: { Mo: 'lun.', Tu: 'mar.', We: 'mer.', Th: 'jeu.', Fr: 'ven.', Sa: 'sam.', Su: 'dim.', PH: 'jours fériés', off: 'fermé' },
  },
  en: {
    docTitle: 'Third places in Occitanie — search', title: 'Third places in Occitanie', skip: 'Skip to results',
    qLabel: 'Search for a place, a service or a town', qPlaceholder: 'fablab near Rodez, 3D printing, coworking in Millau…',
    suggestions: 'Suggestions', searchBtn: 'Search', typesLegend: 'Kinds of places', radiusLabel: 'Radius', radiusAuto: 'auto',
    locate: 'Near me', results: 'Results', more: 'Show more places', mapLabel: 'Map of the places',
    searchArea: 'Search this area', showMap: 'Map', showList: 'List', lang: 'Français', langLabel: 'Version française',
    count: n => n ? (n > 1 ? `${fmt(n)} places` : '1 place') : 'No places', shown: n => `${fmt(n)} shown`,
    near: n => `near ${n}`, within: (k, n) => `within ${k} of ${n}`, auto: 'adaptive radius', nearest: n => `nearest to ${n}`,
    you: 'your position', area: 'in the map area', dept: 'département', region: 'region', or: ' or ',
    none: 'No place matches. Try a larger radius, another kind of place or another town.',
    noneText: w => `No place holds ${w}. Remove a word or a filter.`,
    noneFilters: 'No place matches these filters. Remove a kind of place, a service or a département.',
    corrected: (a, b) => `"${a}" read as ${b}.`, ignored: w => `"${w}" ignored`, require: w => `require "${w}"`,
    orElse: 'Or:',
    needsLegend: 'Needs',
    listNames: { publics: 'Publics', accessibility: 'Specific support', fees: 'Fees', access_modes: 'Access', support_modes: 'Support', mobility: 'Mobility', programs: 'Programmes', labels: 'Labels' },
    trip: 'Trip', tripFrom: 'From', tripTo: 'To', tripDetour: 'Detour', tripGo: 'Search along the trip',
    tripFromPh: "L'Isle-Jourdain", tripToPh: 'Toulouse', onTrip: (a, b, d) => `on the way from ${a} to ${b} (detour ≤ ${d})`,
    detour: d => `+${d} detour`, openLegend: 'Open', openLabel: 'Open:', openNow: 'now', openToday: 'today',
    openTomorrow: 'tomorrow', openSaturday: 'Saturday', openWeekend: 'this weekend',
    isOpen: 'Open now', isClosed: 'Closed now', today: 'Today', hoursUnknown: n => `${fmt(n)} without known hours, not counted`,
    noneOpen: d => `No place is ${d} (by its hours). Try another time.`,
    noneTrip: d => `No place within ${d} of detour. Try a longer detour.`,
    minutes: (m, k, v) => `within ${m} min (≈ ${k} as the crow flies at ${v} km/h, not a travel time)`,
    demo: 'fictional example', demoNote: 'Fictional example: this place does not exist; it shows how the service works.',
    booking: 'Online appointment', back: '← Back', address: 'Address', hours: 'Opening hours', hoursRaw: 'Hours (as published)', services: 'Services', tags: 'Other', website: 'Website',
    email: 'Email', phone: 'Phone', labelYear: 'Labelled in', distance: 'Distance',
    approx: 'Approximate position: centre of the town or postcode.', loading: 'Loading…',
    net: 'The search service does not answer. Check your connection and try again.', apiErr: 'Cannot search: ',
    didYouMean: 'Did you mean:', noPlace: 'This place no longer exists.',
    geoDenied: 'Location refused: allow it in your browser, or type a town.',
    geoError: 'Could not find your position: try again, or type a town.', geoNone: 'Your browser cannot locate you: type a town.',
    locating: 'Finding your position…', noMap: 'The map could not be loaded; the list still works.',
    cluster: n => `${fmt(n)} places: zoom in on this group`, remove: s => `Remove the filter ${s}`,
    kinds: { type: 'kind', service: 'service', commune: 'town', departement: 'département', region: 'region', place: 'place' },
    days: { Mo: 'Mon', Tu: 'Tue', We: 'Wed', Th: 'Thu', Fr: 'Fri', Sa: 'Sat', Su: 'Sun', PH: 'public holidays', off: 'closed' },
  },
};

let lang = 'fr';
let params = new URLSearchParams(); // the API parameters of the current search
let last = null; // the last search response
let results = []; // the results shown in the list
const known = new Map(); // id → result, from any response, for the details card
let allMarkers = null; // every match (≤ MAX_MARKERS) for the markers, fetched lazily
let selectedId = null;
let searchSeq = 0, searchCtrl, clusterCtrl, detailSeq = 0;
let map, layer, anchorLayer, ghost;
const markers = new Map(); // id → L.Marker on the map now
let autoAt = 0, lastInput = 0; // when the code last moved the map; when the user last touched it
let pending = null; // what to do to the map once it is visible (narrow screens)

const t = (k, ...a) => { const v = DICT[lang][k] ?? DICT.fr[k]; return typeof v === 'function' ? v(...a) : v; };
const fmt = (n, d = 0) => new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'fr-FR', { maximumFractionDigits: d }).format(n);
const km = k => k < 1 ? `${fmt(k * 1000)} m` : `${fmt(k, k < 10 ? 1 : 0)} km`;
const esc = s => String(s ?? '').replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);
const fold = s => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
// termKey folds text as ingest.TermKey does: words of letters and digits,
// a plural "s" dropped from longer ones. Text names a type when its folded
// words hold one of the type's keys.
const termKey = s => fold(s).replace(/œ/g, 'oe').replace(/æ/g, 'ae').replace(/ß/g, 'ss').split(/[^\p{L}\p{N}]+/u).filter(Boolean)
  .map(w => w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w).join(' ');
const namesType = text => { const k = ` ${termKey(text)} `; return TYPE_KEYS.some(key => k.includes(` ${key} `)); };
const label = (table, id) => (table[id] || [id, id])[lang === 'en' ? 1 : 0];
const typeLabel = id => label(TYPES, id);
const serviceLabel = id => label(SERVICES, id);
const meta = n => document.querySelector(`meta[name="${n}"]`)?.content.trim() || '';
const isCoords = s => /^-?[\d.]+,\s*-?[\d.]+$/.test(s || '');
const nearName = a => isCoords(a.name) ? t('you') : a.dept ? `${a.name} (${a.dept})` : a.name;
const el = {};

// ---- API ----

async function api(path, qs, signal) {
  qs = new URLSearchParams(qs);
  qs.set('lang', lang); // messages in the page's language
  const r = await fetch(new URL(`v1/${path}?${qs}`, BASE), { signal, headers: { Accept: 'application/json' } });
  let body = null;
  try { body = await r.json(); } catch { /* not JSON */ }
  if (!r.ok || !body) {
    const e = new Error(body?.error?.message || `HTTP ${r.status}`);
    e.api = body?.error;
    throw e;
  }
  return body;
}

// ---- URL state ----

function readURL() {
  const u = new URLSearchParams(location.search);
  lang = u.get('lang') === 'en' ? 'en' : 'fr';
  const p = new URLSearchParams();
  for (const [k, v] of u) if (API_KEYS.includes(k) && v.trim()) p.append(k, v);
  return p;
}

function pageURL(p) {
  const u = new URLSearchParams(p);
  if (lang === 'en') u.set('lang', 'en');
  const s = u.toString().replace(/%2C/g, ',');
  return location.pathname + (s ? `?${s}` : '');
}

function navigate(p, opts = {}) {
  params = p;
  history.pushState(null, '', pageURL(p));
  search(opts);
}

// ---- Search ----

async function search({ fit = true, then } = {}) {
  const seq = ++searchSeq;
  searchCtrl?.abort();
  searchCtrl = new AbortController();
  closeSuggestions();
  closeDetails(false);
  el.area.hidden = true;
  el.q.value = params.get('q') || '';
  el.main.setAttribute('aria-busy', 'true');
  const qs = new URLSearchParams(params);
  qs.set('limit', PAGE);
  qs.set('facets', 'type');
  try {
    const res = await api('search', qs, searchCtrl.signal);
    if (seq !== searchSeq) return;
    last = res;
    results = res.results;
    allMarkers = results.length >= res.total ? results : null;
    remember(results);
    message(map ? '' : t('noMap'));
    notes(res.query);
    render();
    draw(fit);
    if (then) select(then);
  } catch (e) {
    if (e.name === 'AbortError' || seq !== searchSeq) return;
    last = null;
    results = [];
    render();
    layer?.clearLayers();
    anchorLayer?.clearLayers();
    markers.clear();
    showError(e);
  } finally {
    if (seq === searchSeq) el.main.removeAttribute('aria-busy');
  }
}

async function more() {
  const qs = new URLSearchParams(params);
  qs.set('limit', PAGE);
  qs.set('offset', results.length);
  const seq = searchSeq;
  try {
    const res = await api('search', qs);
    if (seq !== searchSeq) return;
    const first = results.length;
    results = results.concat(res.results);
    remember(res.results);
    render();
    el.results.children[first]?.querySelector('button').focus();
  } catch (e) { showError(e); }
}

function remember(list) { for (const r of list) known.set(r.id, r); }

// A text search starts afresh on place: it drops near, radius, bbox and
// sort, and the explicit types when the text names a type itself.
function searchText(text, then) {
  const p = new URLSearchParams(params);
  for (const k of ['q', 'near', 'radius', 'bbox', 'sort']) p.delete(k);
  if (text) p.set('q', text);
  if (namesType(text)) p.delete('type');
  navigate(p, { then });
}

function toggleType(type) {
  const cur = new Set(last ? last.query.types : params.getAll('type'));
  cur.has(type) ? cur.delete(type) : cur.add(type);
  // Unpressing every type: when the text names one, only the three types
  // given explicitly override it.
  if (!cur.size && namesType(params.get('q') || '')) Object.keys(TYPES).forEach(k => cur.add(k));
  const p = new URLSearchParams(params);
  p.delete('type');
  cur.forEach(k => p.append('type', k));
  navigate(p, { fit: !p.has('bbox') });
}

// ---- Rendering ----

function applyStatic() {
  document.documentElement.lang = lang;
  document.title = t('docTitle');
  document.querySelectorAll('[data-i18n]').forEach(e => { e.textContent = t(e.dataset.i18n); });
  document.querySelectorAll('[data-i18n-placeholder]').forEach(e => { e.placeholder = t(e.dataset.i18nPlaceholder); });
  document.querySelectorAll('[data-i18n-aria-label]').forEach(e => e.setAttribute('aria-label', t(e.dataset.i18nAriaLabel)));
  el.lang.textContent = t('lang');
  el.lang.lang = lang === 'en' ? 'fr' : 'en';
  el.lang.setAttribute('aria-label', t('langLabel'));
  el.view.textContent = t(el.main.classList.contains('show-map') ? 'showList' : 'showMap');
}

function render() {
  const q = last?.query;
  // Type toggles show the types the query ended up with, and facet counts.
  document.querySelectorAll('.toggle').forEach(b => {
    const id = b.dataset.type, n = last?.facets?.type?.[id];
    b.setAttribute('aria-pressed', String(!!q?.types.includes(id)));
    b.innerHTML = esc(typeLabel(id)) + (n !== undefined ? ` <span class="n">(${fmt(n)})</span>` : '');
  });
  // The radius control, when the query has a place.
  el.radiusBox.hidden = !q?.near || q.nearest;
  // The radius in use: the parameter, or a distance the text gave ("à moins de 30 km").
  const rp = params.get('radius');
  const r = rp ? String(parseFloat(rp) / (/m$/.test(rp) && !/km$/.test(rp) ? 1000 : 1))
    : q?.radius_km && !q.radius_auto ? String(q.radius_km) : '';
  if (r && ![...el.radius.options].some(o => o.value === r)) el.radius.add(new Option(`${r} km`, r));
  el.radius.value = r;
  el.radius.options[0].textContent = t('radiusAuto') + (q?.radius_auto && q.radius_km ? ` (${km(q.radius_km)})` : '');
  el.radiusBox.hidden ||= !!q?.route;
  // The "Ouvert" chips show the open= parameter; the trip form its ends.
  document.querySelectorAll('[data-open]').forEach(b => b.setAttribute('aria-pressed', String(params.get('open') === b.dataset.open)));
  // The needs chips show the lists the query ended up with, by their labels.
  document.querySelectorAll('[data-list]').forEach(b => {
    b.setAttribute('aria-pressed', String(!!q?.lists?.[b.dataset.list]?.includes(b.dataset.value)));
    b.textContent = label(LISTS[b.dataset.list] || {}, b.dataset.value);
  });
  if (q?.route) {
    el.trip.hidden = false;
    el.tripToggle.setAttribute('aria-expanded', 'true');
    if (document.activeElement !== el.tripFrom) el.tripFrom.value = params.get('from') || (q.route.from && nearName(q.route.from)) || '';
    if (document.activeElement !== el.tripTo) el.tripTo.value = params.get('to') || (q.route.to && nearName(q.route.to)) || '';
    if (q.detour_km) el.tripDetour.value = String(q.detour_km);
  }
  renderSummary();
  renderList();
}

function renderSummary() {
  if (!last) { el.summary.innerHTML = ''; return; }
  const q = last.query, parts = [];
  if (q.text) parts.push(`« ${esc(q.text)} »`);
  if (q.types.length) parts.push(esc(q.types.map(typeLabel).join(t('or'))));
  if (q.services.length) parts.push(esc(q.services.map(serviceLabel).join(' + ')));
  if (q.dept) parts.push(esc(DEPTS[q.dept] || `${t('dept')} ${q.dept}`));
  if (q.region) parts.push(esc(REGIONS[q.region] || `${t('region')} ${q.region}`));
  if (q.route) {
    parts.push(esc(t('onTrip', nearName(q.route.from), nearName(q.route.to), km(q.detour_km))));
  } else if (q.near) {
    const n = esc(nearName(q.near));
    parts.push(q.nearest ? t('nearest', n) : q.radius_from ? esc(t('minutes', q.radius_from.minutes, km(q.radius_km), q.radius_from.kmh)) + ' · ' + t('near', n)
      : q.radius_km ? t('within', km(q.radius_km), n) + (q.radius_auto ? ` (${t('auto')})` : '') : t('near', n));
  }
  if (q.open) parts.push(esc(q.open.description));
  for (const [name, ids] of Object.entries(q.lists || {})) parts.push(esc(ids.map(id => label(LISTS[name] || {}, id)).join(t('or'))));
  if (last.unknown_hours) parts.push(esc(t('hoursUnknown', last.unknown_hours)));
  if (q.bbox) parts.push(t('area'));
  // Explicit filters that no control shows can be removed here.
  const chips = [];
  if (params.has('near')) chips.push(['near', '', nearName(q.near || { name: params.get('near') })]);
  if (params.has('bbox')) chips.push(['bbox', '', t('area')]);
  if (params.has('dept')) chips.push(['dept', '', DEPTS[q.dept] || params.get('dept')]);
  if (params.has('from') || params.has('to')) chips.push(['trip', '', t('trip')]);
  if (params.has('open')) chips.push(['open', '', q.open?.description || params.get('open')]);
  params.getAll('service').forEach(s => chips.push(['service', s, serviceLabel(s)]));
  const shown = results.length < last.total ? ` (${t('shown', results.length)})` : '';
  el.summary.innerHTML = `<strong>${t('count', last.total)}</strong>${shown}${parts.length ? ' · ' + parts.join(' · ') : ''}` +
    (chips.length ? '<br>' + chips.map(([k, v, s]) =>
      `<button type="button" class="chip" data-drop="${k}" data-value="${esc(v)}" aria-label="${esc(t('remove', s))}">${esc(s)}</button>`).join('') : '');
}

// noneMessage names what emptied the list: the radius, the text, or the
// filters — never "a larger radius" when there was none.
function noneMessage(q) {
  if (q.open) return t('noneOpen', q.open.description);
  if (q.route) return t('noneTrip', km(q.detour_km));
  if (q.radius_km && !q.radius_auto) return t('none');
  if (q.text) return t('noneText', `« ${q.text} »`);
  return t('noneFilters');
}

// hoursLine says whether a place is open now and its hours today.
function hoursLine(r) {
  if (r.open_now === null || r.open_now === undefined) return '';
  return `<span class="hours ${r.open_now ? 'open' : 'closed'}">${t(r.open_now ? 'isOpen' : 'isClosed')}` +
    (r.today_hours ? ` · ${esc(t('today'))} ${esc(r.today_hours)}` : '') + '</span>';
}

function renderList() {
  el.results.innerHTML = results.map(r => {
    const svc = r.services.slice(0, 3).map(serviceLabel).join(', ') + (r.services.length > 3 ? '…' : '');
    return `<li data-id="${esc(r.id)}"${r.id === selectedId ? ' class="active"' : ''}><button type="button" class="item">` +
      (r.distance_km !== undefined ? `<span class="dist">${km(r.distance_km)}</span>` : '') +
      // Highlights come escaped from the server, with <mark> around the words.
      `<span class="head"><span class="name">${r.highlight?.name || esc(r.name)}</span>${r.demo ? ` <span class="badge">${t('demo')}</span>` : ''}</span>` +
      `<span class="meta">${r.types.length ? `<span class="tdot" data-type="${esc(r.types[0])}"></span>${esc(r.types.map(typeLabel).join(', '))} · ` : ''}${esc(r.commune)} (${esc(r.dept)})</span>` +
      (svc ? `<span class="svc">${esc(svc)}</span>` : '') +
      (r.highlight?.description ? `<span class="snippet">${r.highlight.description}</span>` : '') +
      (r.detour_km !== undefined ? `<span class="detour">${esc(t('detour', km(r.detour_km)))}</span>` : '') + hoursLine(r) + '</button></li>';
  }).join('');
  if (last && !last.total) el.results.innerHTML = `<li class="empty">${esc(noneMessage(last.query))}</li>`;
  el.more.hidden = !last || results.length >= last.total;
}

// notes says what the server read differently from what was typed, and
// offers the other readings: corrections, ambiguous typos, ignored words
// (with a link to require them) and the homonyms of the place.
function notes(q) {
  const box = el.msg, add = n => box.append(n, ' ');
  const link = (label, p) => {
    const a = document.createElement('a');
    a.href = pageURL(p);
    a.textContent = label;
    a.addEventListener('click', ev => { ev.preventDefault(); navigate(p); });
    return a;
  };
  const withQ = (from, to) => {
    const p = new URLSearchParams(params), cur = p.get('q') || '', i = fold(cur).lastIndexOf(fold(from));
    p.set('q', i >= 0 ? cur.slice(0, i) + to + cur.slice(i + from.length) : cur);
    return p;
  };
  for (const c of q.corrected || []) add(t('corrected', c.from, c.to));
  if (q.did_you_mean) {
    add(t('didYouMean'));
    for (const o of q.did_you_mean.options) add(link(o, withQ(q.did_you_mean.from, o.replace(/\s*\(.*\)$/, ''))));
  }
  for (const w of [...(q.text_ignored || []), ...(q.text_relaxed || [])]) {
    add(t('ignored', w) + ' —');
    add(link(t('require', w), withQ(w, '+' + w)));
  }
  const alts = q.near?.alternatives || [];
  if (alts.length) {
    add(t('orElse'));
    for (const a of alts.slice(0, 3)) {
      const p = new URLSearchParams(params);
      p.set('near', `${a.name} (${a.dept})`);
      add(link(`${a.name} (${a.dept})`, p));
    }
  }
  if (box.childNodes.length) box.className = 'message note';
}

function message(text, kind = '', links = []) {
  el.msg.className = `message ${kind}`;
  el.msg.textContent = text;
  if (links.length) {
    el.msg.append(' ' + t('didYouMean') + ' ');
    for (const [label, p] of links) {
      const a = document.createElement('a');
      a.href = pageURL(p);
      a.textContent = label;
      a.addEventListener('click', ev => { ev.preventDefault(); navigate(p); });
      el.msg.append(a);
    }
  }
}

// An API error: its message, and its suggestions as links that re-run the
// search with the suggestion in place of the faulty value.
function showError(e) {
  const err = e.api;
  if (!err) return message(t('net'), 'error');
  const links = (err.suggestions || []).map(s => {
    const p = new URLSearchParams(params);
    if (err.param === 'q') {
      // "Rodez (12)" → "Rodez": the parser reads the qualifier as text.
      const bad = /"([^"]+)"/.exec(err.message)?.[1], good = s.replace(/\s*\(.*\)$/, '');
      const q = p.get('q') || '';
      const i = bad ? fold(q).lastIndexOf(fold(bad)) : -1;
      p.set('q', i >= 0 ? q.slice(0, i) + good + q.slice(i + bad.length) : good);
    } else if (err.param) p.set(err.param, s);
    return [s, p];
  });
  message(t('apiErr') + err.message, 'error', links);
}

// ---- Map ----

function initMap() {
  if (!window.L) { message(t('noMap'), 'error'); return; }
  map = L.map(el.map, { zoomSnap: 0.5 });
  if (mapVisible()) map.fitBounds(OCCITANIE); else map.setView([43.7, 2.3], 7);
  const tiles = meta('tierslieux-tiles');
  if (tiles) {
    let attr = esc(meta('tierslieux-attribution'));
    if (/openstreetmap/i.test(tiles)) attr = attr.replace('OpenStreetMap', '<a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>');
    L.tileLayer(tiles, { maxZoom: 19, attribution: attr }).addTo(map);
  }
  anchorLayer = L.layerGroup().addTo(map);
  layer = L.layerGroup().addTo(map);
  const touched = () => { lastInput = performance.now(); };
  for (const ev of ['pointerdown', 'pointerup', 'wheel', 'keydown', 'touchend']) el.map.addEventListener(ev, touched, { passive: true });
  map.on('moveend', onMoveEnd);
  addEventListener('resize', () => { if (pending && mapVisible()) flushPending(); });
}

const mapVisible = () => el.map.offsetWidth > 0;

// moveMap runs a move made by the code (not to be offered "search this
// area"), now or once the map is visible.
function moveMap(fn) {
  if (!map) return;
  if (!mapVisible()) { pending = fn; return; }
  autoAt = performance.now();
  fn();
}

function flushPending() {
  autoAt = performance.now();
  map.invalidateSize();
  const fn = pending;
  pending = null;
  if (fn) fn(); else refreshLayer();
}

function onMoveEnd() {
  if (lastInput > autoAt && performance.now() - lastInput < 1500 && last) el.area.hidden = false;
  refreshLayer();
}

function draw(fit) {
  if (!map) return;
  drawAnchor();
  if (!fit) return refreshLayer();
  const q = last.query;
  if (q.bbox) return moveMap(() => map.fitBounds([[q.bbox[1], q.bbox[0]], [q.bbox[3], q.bbox[2]]]));
  if (q.route) return fitPoints(results.map(r => [r.lat, r.lon]).concat([[q.route.from.lat, q.route.from.lon], [q.route.to.lat, q.route.to.lon]]));
  if (!results.length) return q.near ? moveMap(() => map.setView([q.near.lat, q.near.lon], 10)) : refreshLayer();
  if (results.length < last.total && !q.nearest) return fitExtent();
  const pts = (q.nearest ? results.slice(0, 10) : results).map(r => [r.lat, r.lon]);
  if (q.near) pts.push([q.near.lat, q.near.lon]);
  fitPoints(pts);
}

function fitPoints(pts) {
  moveMap(() => {
    const b = L.latLngBounds(pts);
    if (b.getNorthEast().equals(b.getSouthWest())) map.setView(b.getCenter(), 13);
    else map.fitBounds(b, { padding: [30, 30], maxZoom: 14 });
  });
}

// The extent of every match, when the list holds only the first page:
// the clusters of the whole world at zoom 3 carry their bounds. Matches in
// metropolitan France and overseas: the view frames metropolitan France.
async function fitExtent() {
  const seq = searchSeq;
  try {
    const res = await api('clusters', clusterParams([-180, -85, 180, 85], 3));
    if (seq !== searchSeq) return;
    const main = ([lon, lat]) => lat > 41 && lat < 51.5 && lon > -5.5 && lon < 10;
    let fs = res.features;
    if (fs.some(f => main(f.geometry.coordinates)) && fs.some(f => !main(f.geometry.coordinates))) fs = fs.filter(f => main(f.geometry.coordinates));
    const pts = [];
    for (const f of fs) {
      const b = f.properties.bbox, c = f.geometry.coordinates;
      if (b) pts.push([b[1], b[0]], [b[3], b[2]]); else pts.push([c[1], c[0]]);
    }
    if (pts.length) fitPoints(pts); else refreshLayer();
  } catch { refreshLayer(); }
}

// detourArea is the area a straight trip's detour covers: the ellipse
// whose foci are its ends (start → place → end at most the route plus
// the detour), drawn in a local flat projection, which is close enough
// for a map at these distances.
function detourArea(route, detourKm) {
  const a = route.from, b = route.to, lat0 = (a.lat + b.lat) / 2 * Math.PI / 180;
  const kx = 111.32 * Math.cos(lat0), ky = 110.57; // km per degree
  const ax = a.lon * kx, ay = a.lat * ky, bx = b.lon * kx, by = b.lat * ky;
  const cx = (ax + bx) / 2, cy = (ay + by) / 2, c = Math.hypot(bx - ax, by - ay) / 2;
  const major = c + detourKm / 2, minor = Math.sqrt(Math.max(major * major - c * c, 0)), rot = Math.atan2(by - ay, bx - ax);
  const pts = [];
  for (let i = 0; i < 72; i++) {
    const th = i / 72 * 2 * Math.PI, x = major * Math.cos(th), y = minor * Math.sin(th);
    pts.push([(cy + x * Math.sin(rot) + y * Math.cos(rot)) / ky, (cx + x * Math.cos(rot) - y * Math.sin(rot)) / kx]);
  }
  return pts;
}

function drawAnchor() {
  anchorLayer.clearLayers();
  const q = last?.query;
  if (q?.route) {
    const ends = [[q.route.from.lat, q.route.from.lon], [q.route.to.lat, q.route.to.lon]];
    if (q.route.kind === 'straight') L.polygon(detourArea(q.route, q.detour_km), { color: '#1d6fa5', weight: 1, fillOpacity: 0.08, interactive: false, className: 'detour-area' }).addTo(anchorLayer);
    L.polyline(ends, { color: '#1d6fa5', weight: 3, interactive: false, className: 'route-line' }).addTo(anchorLayer);
    for (const ll of ends) L.marker(ll, { icon: L.divIcon({ className: 'tl-icon', html: '<span class="anchor"></span>', iconSize: [18, 18] }), interactive: false, keyboard: false }).addTo(anchorLayer);
    return;
  }
  if (q?.near) {
    const ll = [q.near.lat, q.near.lon];
    L.marker(ll, { icon: L.divIcon({ className: 'tl-icon', html: '<span class="anchor"></span>', iconSize: [18, 18] }),
      interactive: false, keyboard: false, zIndexOffset: -1000 }).addTo(anchorLayer);
    if (q.radius_km && !q.nearest) L.circle(ll, { radius: q.radius_km * 1000, color: '#a3123a', weight: 1.5, fillOpacity: 0.04, interactive: false }).addTo(anchorLayer);
  }
  if (q?.bbox) L.rectangle([[q.bbox[1], q.bbox[0]], [q.bbox[3], q.bbox[2]]], { color: '#1d1d1f', weight: 1, dashArray: '6 6', fill: false, interactive: false }).addTo(anchorLayer);
}

// Markers when zoomed in on few matches; clusters otherwise.
function refreshLayer() {
  if (!map || !last || !mapVisible()) return;
  // A trip's places are few and along a line: markers, not clusters.
  if (!last.query.route && (last.total > MAX_MARKERS || map.getZoom() < CLUSTER_ZOOM)) loadClusters(); else loadMarkers();
}

async function loadMarkers() {
  clusterCtrl?.abort();
  const seq = searchSeq;
  if (!allMarkers) {
    let all = [];
    try {
      while (all.length < last.total && all.length < MAX_MARKERS) {
        const qs = new URLSearchParams(params);
        qs.set('limit', 100);
        qs.set('offset', all.length);
        const res = await api('search', qs);
        if (seq !== searchSeq) return;
        if (!res.results.length) break;
        all = all.concat(res.results);
      }
    } catch { all = results; }
    remember(all);
    allMarkers = all;
  }
  if (seq !== searchSeq || !(last.query.route || (last.total <= MAX_MARKERS && map.getZoom() >= CLUSTER_ZOOM))) return;
  clearMarkers();
  allMarkers.forEach(addMarker);
}

// The filters of the current search for /v1/clusters, in a given box. The
// radius the search ended up with is passed on, so an adaptive radius
// does not adapt again; nearest-k (no radius) becomes every match.
function clusterParams(bbox, zoom) {
  const p = new URLSearchParams(params), q = last.query;
  p.delete('sort');
  if (q.nearest) p.set('radius', '1000km');
  else if (q.radius_km && !p.has('radius')) p.set('radius', `${Math.round(q.radius_km * 1000)}m`);
  p.set('bbox', bbox.map(v => +v.toFixed(5)).join(','));
  p.set('zoom', Math.floor(zoom));
  return p;
}

const viewBox = () => {
  const b = map.getBounds();
  return [Math.max(-180, b.getWest()), Math.max(-85, b.getSouth()), Math.min(180, b.getEast()), Math.min(85, b.getNorth())];
};

async function loadClusters() {
  let b = viewBox();
  const qb = last.query.bbox;
  if (qb) b = [Math.max(b[0], qb[0]), Math.max(b[1], qb[1]), Math.min(b[2], qb[2]), Math.min(b[3], qb[3])];
  clusterCtrl?.abort();
  if (b[0] >= b[2] || b[1] >= b[3]) return clearMarkers();
  clusterCtrl = new AbortController();
  const seq = searchSeq;
  try {
    const res = await api('clusters', clusterParams(b, map.getZoom()), clusterCtrl.signal);
    if (seq !== searchSeq) return;
    clearMarkers();
    for (const f of res.features) {
      const [lon, lat] = f.geometry.coordinates, p = f.properties;
      if (p.cluster) addCluster(lat, lon, p);
      else { const r = { ...p, lat, lon }; known.set(r.id, r); addMarker(r); }
    }
  } catch { /* aborted, or the map keeps what it had */ }
}

function clearMarkers() {
  layer.clearLayers();
  markers.clear();
  ghost = null;
}

function addMarker(r) {
  const cls = `marker${r.id === selectedId ? ' active' : ''}`;
  const icon = L.divIcon({ className: 'tl-icon', iconSize: [26, 26],
    html: `<span class="${cls}" data-id="${esc(r.id)}" data-type="${esc(r.types?.[0] || '')}"></span>` });
  const m = L.marker([r.lat, r.lon], { icon, title: r.name, riseOnHover: true, zIndexOffset: r.id === selectedId ? 1000 : 0 });
  m.bindTooltip(esc(r.name), { direction: 'top', offset: [0, -12] });
  m.on('click', () => select(r.id, true));
  onEnter(m, () => select(r.id, true));
  m.on('mouseover', () => highlight(r.id, true, true));
  m.on('mouseout', () => highlight(r.id, false));
  m.on('add', () => {
    const e = m.getElement();
    e.setAttribute('aria-label', r.name);
    e.addEventListener('focus', () => highlight(r.id, true, true));
    e.addEventListener('blur', () => highlight(r.id, false));
  });
  markers.set(r.id, m);
  m.addTo(layer);
}

// Markers are buttons (Leaflet gives them role=button and tabindex=0):
// Enter and Space press them.
function onEnter(m, fn) {
  m.on('keydown', e => {
    const k = e.originalEvent.key;
    if (k === 'Enter' || k === ' ') { e.originalEvent.preventDefault(); fn(); }
  });
}

function addCluster(lat, lon, p) {
  const n = p.count, size = n < 10 ? 34 : n < 100 ? 42 : n < 1000 ? 50 : 58;
  const short = n < 1000 ? fmt(n) : new Intl.NumberFormat(lang, { notation: 'compact', maximumFractionDigits: 1 }).format(n);
  const m = L.marker([lat, lon], { title: t('cluster', n), icon: L.divIcon({ className: 'tl-icon', iconSize: [size, size],
    html: `<span class="cluster" data-count="${n}">${short}</span>` }) });
  const zoomIn = () => {
    lastInput = performance.now();
    const [w, s, e, nn] = p.bbox;
    if (w === e && s === nn) map.setView([s, w], map.getZoom() + 3);
    else map.fitBounds([[s, w], [nn, e]], { padding: [60, 60], maxZoom: 17 });
  };
  m.on('click', zoomIn);
  onEnter(m, zoomIn);
  m.on('add', () => m.getElement().setAttribute('aria-label', t('cluster', n)));
  m.addTo(layer);
}

// ---- List ↔ map ----

function highlight(id, on, fromMap) {
  on = on || id === selectedId;
  const li = el.results.querySelector(`li[data-id="${CSS.escape(id)}"]`);
  li?.classList.toggle('active', on);
  if (on && fromMap && li) li.scrollIntoView({ block: 'nearest' });
  if (!map) return;
  const m = markers.get(id);
  if (m) {
    m.getElement()?.firstChild?.classList.toggle('active', on);
    m.setZIndexOffset(on ? 1000 : 0);
  } else if (on && known.has(id)) {
    // In a cluster: a passing marker shows where it is.
    const r = known.get(id);
    if (ghost) layer.removeLayer(ghost);
    ghost = L.marker([r.lat, r.lon], { interactive: false, keyboard: false, zIndexOffset: 1000,
      icon: L.divIcon({ className: 'tl-icon', iconSize: [26, 26], html: `<span class="marker ghost active" data-type="${esc(r.types?.[0] || '')}"></span>` }) }).addTo(layer);
  } else if (ghost && !on) { layer.removeLayer(ghost); ghost = null; }
}

async function select(id, fromMap) {
  const prev = selectedId;
  selectedId = id;
  if (prev && prev !== id) highlight(prev, false);
  highlight(id, true, fromMap);
  const r = known.get(id);
  if (r) centre(r);
  const seq = ++detailSeq;
  el.details.hidden = false;
  el.details.innerHTML = `<p>${t('loading')}</p>`;
  try {
    const p = await api(`places/${encodeURIComponent(id)}`, '');
    if (seq !== detailSeq) return;
    if (!r) centre(p);
    renderDetails(p, r);
  } catch (e) {
    if (seq !== detailSeq) return;
    el.details.innerHTML = `<button type="button" class="close">${t('back')}</button><p>${esc(e.api ? t('noPlace') : t('net'))}</p>`;
  }
  (el.details.querySelector('h2') || el.details).focus();
}

function centre(r) {
  moveMap(() => {
    const z = markers.has(r.id) ? map.getZoom() : Math.max(map.getZoom(), 13);
    let c = L.latLng(r.lat, r.lon);
    // On a narrow screen the card covers the bottom of the map: aim higher.
    if (innerWidth < 700) c = map.unproject(map.project(c, z).add([0, map.getSize().y * 0.3]), z);
    map.setView(c, z);
  });
}

function closeDetails(focus = true) {
  if (el.details.hidden) return;
  el.details.hidden = true;
  detailSeq++;
  const id = selectedId;
  selectedId = null;
  if (id) {
    highlight(id, false);
    if (focus) (el.results.querySelector(`li[data-id="${CSS.escape(id)}"] button`) || el.q).focus();
  }
}

function hours(s) {
  const d = t('days');
  return s.split(/\s*;\s*/).filter(Boolean).map(rule => `<li>${esc(rule)
    .replace(/\b(Mo|Tu|We|Th|Fr|Sa|Su|PH|off)\b/g, m => d[m]).replace(/-/g, '–').replace(/,(?=\S)/g, ', ')}</li>`).join('');
}

// publishedLines turns hours as the source wrote them, which may be HTML,
// into lines of plain text: the ends of items, paragraphs and <br> end a
// line, other tags go, entities are decoded. The result is text, to
// escape like any other: no element of the source is ever built.
function publishedLines(s) {
  const marked = String(s).replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<\s*(br|\/\s*(p|li|div|tr|h[1-6]|dt|dd))\b[^>]*>/gi, '\n').replace(/<[^>]*>/g, ' ');
  // A parsed document that is never shown runs no script and loads nothing.
  const text = new DOMParser().parseFromString(marked, 'text/html').documentElement.textContent;
  return text.split('\n').map(l => l.replace(/\s+/g, ' ').trim()).filter(Boolean);
}

function safeURL(u) {
  try {
    const url = new URL(/^https?:\/\//i.test(u) ? u : `https://${u}`);
    return /^https?:$/.test(url.protocol) ? url : null;
  } catch { return null; }
}

function renderDetails(p, r) {
  const rows = [], row = (k, v) => v && rows.push(`<dt>${t(k)}</dt><dd>${v}</dd>`);
  const web = p.website && safeURL(p.website);
  row('address', [esc(p.address), esc([p.postcode, p.commune].filter(Boolean).join(' ')), esc([p.dept_name, p.region_name].filter(Boolean).join(', '))].filter(Boolean).join('<br>'));
  if (r?.distance_km !== undefined) row('distance', km(r.distance_km));
  if (r?.open_now !== undefined && r?.open_now !== null) row('today', hoursLine(r));
  row('hours', p.opening_hours && `<ul>${hours(p.opening_hours)}</ul>`);
  // Hours that could not be read stay as published, as text.
  if (!p.opening_hours && p.opening_hours_raw) row('hoursRaw', publishedLines(p.opening_hours_raw).map(esc).join('<br>'));
  row('services', p.services?.length && `<ul>${p.services.map(s => `<li>${esc(serviceLabel(s))}</li>`).join('')}</ul>`);
  // What the national standard says of the place: its lists, by label.
  for (const name of ['publics', 'accessibility', 'fees', 'access_modes', 'support_modes', 'programs', 'labels']) {
    if (p[name]?.length) rows.push(`<dt>${esc(t('listNames')[name])}</dt><dd>${esc(p[name].map(id => label(LISTS[name] || {}, id)).join(', '))}</dd>`);
  }
  const booking = p.booking_url && safeURL(p.booking_url);
  row('booking', booking && `<a href="${esc(booking.href)}" target="_blank" rel="noopener noreferrer">${esc(booking.host)}</a>`);
  row('tags', p.tags?.length && esc(p.tags.join(', ')));
  row('website', web && `<a href="${esc(web.href)}" target="_blank" rel="noopener noreferrer">${esc(web.host + web.pathname.replace(/\/$/, ''))}</a>`);
  row('email', p.email && `<a href="mailto:${esc(p.email)}">${esc(p.email)}</a>`);
  row('phone', p.phone && `<a href="tel:${esc(p.phone.replace(/\s/g, ''))}">${esc(p.phone)}</a>`);
  row('labelYear', p.label_year && String(p.label_year));
  el.details.innerHTML = `<button type="button" class="close">${t('back')}</button>` +
    `<h2 id="details-title" tabindex="-1">${esc(p.name)}${p.demo ? ` <span class="badge">${t('demo')}</span>` : ''}</h2>` +
    `<p class="meta"><span class="tdot" data-type="${esc(p.types?.[0])}"></span>${esc((p.types || []).map(typeLabel).join(', '))}</p>` +
    (p.description ? `<p>${esc(p.description)}</p>` : '') + `<dl>${rows.join('')}</dl>` +
    (p.demo ? `<p class="note">${t('demoNote')}</p>` : '') +
    (p.precision && p.precision !== 'address' ? `<p class="note">${t('approx')}</p>` : '') +
    (p.note ? `<p class="note">${esc(p.note)}</p>` : '');
  el.details.dataset.id = p.id;
}

// tripSuggest offers communes for a trip's end, from /v1/suggest.
let tripTimer;
function tripSuggest(input) {
  clearTimeout(tripTimer);
  tripTimer = setTimeout(async () => {
    const v = input.value.trim();
    if (v.length < 2) return;
    try {
      const res = await api('suggest', new URLSearchParams({ q: v, limit: 8 }));
      el.tripPlaces.innerHTML = res.suggestions.filter(s => s.kind === 'commune').map(s => `<option value="${esc(s.label)}"></option>`).join('');
    } catch { /* suggestions are a help, not a need */ }
  }, 150);
}

// ---- Suggestions (ARIA 1.2 combobox) ----

let sugTimer, sugCtrl, sugs = [], sugActive = -1, sugPrefix = '';
const CONNECTORS = new Set(['de', 'du', 'des', 'a', 'à', 'au', 'aux', 'en', 'dans', 'pres', 'près', 'autour', 'vers', 'near', 'in', 'around', 'of', 'to', 'at']);

// The part of the text a suggestion completes when the whole text has
// none: after the last "près de", "à", "near"…, or the last word.
function tail(text) {
  const words = text.split(/\s+/);
  let i = words.length - 1;
  for (let j = words.length - 1; j >= 0; j--) if (CONNECTORS.has(words[j].toLowerCase())) { i = j + 1; break; }
  const head = words.slice(0, i).join(' '), rest = words.slice(i).join(' ');
  const m = /^(d['’])(.+)$/i.exec(rest); // "près d'Alb"
  if (m) return [head + (head ? ' ' : '') + m[1], m[2]];
  return rest && head ? [head + ' ', rest] : null;
}

async function suggest() {
  const text = el.q.value;
  if (!text.trim()) return closeSuggestions();
  sugCtrl?.abort();
  sugCtrl = new AbortController();
  try {
    let res = await api('suggest', new URLSearchParams({ q: text, limit: 8 }), sugCtrl.signal), prefix = '';
    const tl = !res.suggestions.length && tail(text.trimEnd());
    if (tl) {
      prefix = tl[0];
      res = await api('suggest', new URLSearchParams({ q: tl[1], limit: 8 }), sugCtrl.signal);
    }
    if (el.q.value !== text || document.activeElement !== el.q) return;
    openSuggestions(res.suggestions, prefix);
  } catch { /* aborted or offline: no suggestions */ }
}

function openSuggestions(list, prefix) {
  sugs = list;
  sugPrefix = prefix;
  sugActive = -1;
  if (!list.length) return closeSuggestions();
  el.sug.innerHTML = list.map((s, i) => `<li role="option" id="sug-${i}" aria-selected="false"><span>${esc(s.label)}</span>` +
    `<span class="kind">${esc(t('kinds')[s.kind] || s.kind)}</span></li>`).join('');
  el.sug.hidden = false;
  el.q.setAttribute('aria-expanded', 'true');
}

function closeSuggestions() {
  clearTimeout(sugTimer);
  sugCtrl?.abort();
  el.sug.hidden = true;
  el.sug.innerHTML = '';
  sugs = [];
  sugActive = -1;
  el.q.setAttribute('aria-expanded', 'false');
  el.q.removeAttribute('aria-activedescendant');
}

function activate(i) {
  sugActive = (i + sugs.length) % sugs.length;
  [...el.sug.children].forEach((li, j) => li.setAttribute('aria-selected', String(j === sugActive)));
  el.q.setAttribute('aria-activedescendant', `sug-${sugActive}`);
  el.sug.children[sugActive].scrollIntoView({ block: 'nearest' });
}

function choose(i) {
  const s = sugs[i];
  if (!s) return;
  const text = s.kind === 'place' ? s.value : sugPrefix + s.value;
  el.q.value = text;
  closeSuggestions();
  searchText(text, s.kind === 'place' ? s.id : undefined);
}

// ---- Wiring ----

function locate() {
  if (!navigator.geolocation) return message(t('geoNone'), 'error');
  el.locate.setAttribute('aria-busy', 'true');
  message(t('locating'));
  navigator.geolocation.getCurrentPosition(pos => {
    el.locate.removeAttribute('aria-busy');
    const p = new URLSearchParams(params);
    for (const k of ['near', 'radius', 'bbox', 'dept', 'sort']) p.delete(k);
    p.set('near', `${pos.coords.latitude.toFixed(5)},${pos.coords.longitude.toFixed(5)}`);
    p.set('sort', 'distance');
    navigate(p);
  }, err => {
    el.locate.removeAttribute('aria-busy');
    message(err.code === 1 ? t('geoDenied') : t('geoError'), 'error');
  }, { timeout: 10000, maximumAge: 300000 });
}

function wire() {
  el.form.addEventListener('submit', e => { e.preventDefault(); searchText(el.q.value.trim()); });
  el.q.addEventListener('input', () => { clearTimeout(sugTimer); sugTimer = setTimeout(suggest, 150); });
  el.q.addEventListener('keydown', e => {
    const open = !el.sug.hidden;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (!open) { if (e.key === 'ArrowDown') suggest(); return; }
      e.preventDefault();
      activate(sugActive < 0 && e.key === 'ArrowUp' ? -1 : sugActive + (e.key === 'ArrowDown' ? 1 : -1));
    } else if (e.key === 'Enter' && open && sugActive >= 0) {
      e.preventDefault();
      choose(sugActive);
    } else if (e.key === 'Escape' && open) {
      e.preventDefault();
      closeSuggestions();
    }
  });
  el.q.addEventListener('blur', () => setTimeout(() => { if (document.activeElement !== el.q) closeSuggestions(); }, 150));
  el.sug.addEventListener('mousedown', e => e.preventDefault());
  el.sug.addEventListener('click', e => {
    const li = e.target.closest('li');
    if (li) choose([...el.sug.children].indexOf(li));
  });
  document.querySelectorAll('.toggle').forEach(b => b.addEventListener('click', () => toggleType(b.dataset.type)));
  el.radius.addEventListener('change', () => {
    const p = new URLSearchParams(params);
    if (el.radius.value) p.set('radius', `${el.radius.value}km`); else p.delete('radius');
    navigate(p);
  });
  el.locate.addEventListener('click', locate);
  document.querySelectorAll('[data-list]').forEach(b => b.addEventListener('click', () => {
    const p = new URLSearchParams(params), k = b.dataset.list, v = b.dataset.value;
    const cur = new Set(last?.query.lists?.[k] || p.getAll(k));
    cur.has(v) ? cur.delete(v) : cur.add(v);
    p.delete(k);
    cur.forEach(x => p.append(k, x));
    navigate(p, { fit: false });
  }));
  document.querySelectorAll('[data-open]').forEach(b => b.addEventListener('click', () => {
    const p = new URLSearchParams(params);
    if (p.get('open') === b.dataset.open) p.delete('open'); else p.set('open', b.dataset.open);
    navigate(p, { fit: false });
  }));
  el.tripToggle.addEventListener('click', () => {
    const open = el.trip.hidden;
    el.trip.hidden = !open;
    el.tripToggle.setAttribute('aria-expanded', String(open));
    if (open) (el.tripFrom.value ? el.tripTo : el.tripFrom).focus();
  });
  el.trip.addEventListener('submit', e => {
    e.preventDefault();
    const p = new URLSearchParams(params);
    for (const k of ['near', 'radius', 'bbox', 'sort', 'from', 'to', 'detour']) p.delete(k);
    if (el.tripFrom.value.trim()) p.set('from', el.tripFrom.dataset.point || el.tripFrom.value.trim());
    if (el.tripTo.value.trim()) p.set('to', el.tripTo.value.trim());
    p.set('detour', `${el.tripDetour.value}km`);
    navigate(p);
  });
  el.tripFrom.addEventListener('input', () => { delete el.tripFrom.dataset.point; tripSuggest(el.tripFrom); });
  el.tripTo.addEventListener('input', () => tripSuggest(el.tripTo));
  el.tripHere.addEventListener('click', () => {
    if (!navigator.geolocation) return message(t('geoNone'), 'error');
    navigator.geolocation.getCurrentPosition(pos => {
      el.tripFrom.value = t('you');
      el.tripFrom.dataset.point = `${pos.coords.latitude.toFixed(5)},${pos.coords.longitude.toFixed(5)}`;
      el.tripTo.focus();
    }, err => message(err.code === 1 ? t('geoDenied') : t('geoError'), 'error'), { timeout: 10000, maximumAge: 300000 });
  });
  el.area.addEventListener('click', () => {
    const p = new URLSearchParams(params);
    p.set('bbox', viewBox().map(v => +v.toFixed(5)).join(','));
    navigate(p, { fit: false });
  });
  el.more.addEventListener('click', more);
  el.summary.addEventListener('click', e => {
    const b = e.target.closest('[data-drop]');
    if (!b) return;
    const p = new URLSearchParams(params), k = b.dataset.drop;
    if (k === 'service') {
      const rest = p.getAll('service').filter(s => s !== b.dataset.value);
      p.delete('service');
      rest.forEach(s => p.append('service', s));
    } else if (k === 'trip') {
      for (const x of ['from', 'to', 'detour', 'sort']) p.delete(x);
    } else p.delete(k);
    if (k === 'near') { p.delete('radius'); p.delete('sort'); }
    navigate(p);
  });
  el.results.addEventListener('click', e => {
    const li = e.target.closest('li[data-id]');
    if (li) select(li.dataset.id);
  });
  for (const [ev, on] of [['mouseover', true], ['mouseout', false], ['focusin', true], ['focusout', false]]) {
    el.results.addEventListener(ev, e => {
      const li = e.target.closest('li[data-id]');
      if (li && !(e.relatedTarget && li.contains(e.relatedTarget))) highlight(li.dataset.id, on);
    });
  }
  el.details.addEventListener('click', e => { if (e.target.closest('.close')) closeDetails(); });
  document.addEventListener('keydown', e => {
    if (e.key === 'Escape' && !el.details.hidden && (el.details.contains(document.activeElement) || document.activeElement === document.body)) closeDetails();
  });
  el.view.addEventListener('click', () => {
    const toMap = el.main.classList.contains('show-list');
    el.main.classList.toggle('show-list', !toMap);
    el.main.classList.toggle('show-map', toMap);
    el.view.textContent = t(toMap ? 'showList' : 'showMap');
    if (toMap && map) flushPending();
  });
  el.lang.addEventListener('click', () => {
    lang = lang === 'en' ? 'fr' : 'en';
    history.replaceState(null, '', pageURL(params));
    applyStatic();
    closeSuggestions();
    if (last) render();
    if (el.msg.classList.contains('error') && !last) el.msg.textContent = '';
    const id = el.details.hidden ? null : el.details.dataset.id;
    if (id) select(id);
  });
  addEventListener('popstate', () => {
    params = readURL();
    applyStatic();
    search();
  });
}

function start() {
  for (const [k, id] of Object.entries({ form: 'search', q: 'q', sug: 'suggestions', radius: 'radius', radiusBox: 'radius-box',
    locate: 'locate', msg: 'message', main: 'main', summary: 'summary', results: 'results', more: 'more', map: 'map',
    area: 'search-area', details: 'details', view: 'view-toggle', lang: 'lang', trip: 'trip', tripToggle: 'trip-toggle',
    tripFrom: 'trip-from', tripTo: 'trip-to', tripDetour: 'trip-detour', tripHere: 'trip-here', tripPlaces: 'trip-places' })) el[k] = document.getElementById(id);
  params = readURL();
  applyStatic();
  wire();
  initMap();
  search();
}

start();
