/* Tiers-lieux Occitanie: the embeddable search widget.
 *
 *   <script src="https://HOST/embed.js" defer></script>
 *   <tierslieux-search near="Rodez" type="fablab" radius="30km"></tierslieux-search>
 *
 * Attributes, all optional: q (the initial text of the search box), near,
 * type (one or more, comma-separated), radius, from and to (a trip: the
 * places on the way), open (now, today, sa, weekend…: open then), lang (fr
 * or en), limit (1-100, default 20); tiles and attribution override the map
 * background. near, type, radius, from, to and open are fixed filters: the
 * widget shows no control for them.
 *
 * key is a partner's search key, given by the service's operator: the
 * widget sends it as the key= parameter of every API call, and the service
 * limits every search made with it to the key's territory (its
 * départements, area or types), and may refuse it from origins the key does
 * not list. It is not a secret (it is in the partner's page): it says who
 * asks, and what they may see.
 *
 * The widget renders in a Shadow DOM and calls the API where this script
 * comes from: https://HOST/embed.js calls https://HOST/v1/…, and
 * https://HOST/tiers-lieux/embed.js (a service under a sub-path behind a
 * reverse proxy) calls https://HOST/tiers-lieux/v1/… (the API answers
 * cross-origin). Leaflet is loaded once per page from there too. Size the
 * element with CSS (default height 480px).
 *
 * With data-from-url on its <script> tag (the /embed page), the script
 * builds one widget from its page's own URL: /embed?near=Rodez&type=fablab
 * (and key=, lang=…, as the attributes).
 */
(() => {
  'use strict';
  const SCRIPT = document.currentScript || [...document.querySelectorAll('script[src*="embed.js"]')].pop();
  const SRC = SCRIPT ? SCRIPT.src : location.href;
  // The service's root: the directory this script is served from.
  const BASE = new URL('.', SRC).href;
  const asset = p => new URL(p, BASE).href;
  // api is the URL of an API call, with the widget's key if it has one.
  const api = (path, params, key) => {
    const p = new URLSearchParams(params);
    if (key) p.set('key', key);
    return new URL(`v1/${path}?${p}`, BASE).href;
  };
  const TILES = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png', ATTRIBUTION = '© OpenStreetMap contributors';

  // The vocabulary comes from the API (/v1/vocabulary), the one source the
  // server reads queries with; labels fall back to IDs until it arrives.
  // Fetched once per page, by the first widget, with its key.
  const VOCAB = { types: {}, services: {} };
  const byID = list => Object.fromEntries(list.map(t => [t.id, [t.fr, t.en]]));
  let vocabularyP = null;
  const vocabulary = key => vocabularyP || (vocabularyP = fetch(api('vocabulary', '', key), { credentials: 'omit', headers: { Accept: 'application/json' } })
    .then(r => r.json())
    .then(v => { VOCAB.types = byID(v.types); VOCAB.services = byID(v.services); })
    .catch(() => {}));
  const DICT = {
    fr: {
      q: 'Rechercher un tiers-lieu', ph: 'impression 3D, coworking, Millau…', go: 'Rechercher', types: 'Types de lieux',
      results: 'Résultats', map: 'Carte des lieux', open: 'Ouvrir la recherche complète',
      count: n => n ? (n > 1 ? `${n} lieux` : '1 lieu') : 'Aucun lieu ne correspond.', shown: n => `, ${n} affichés`,
      near: n => `près de ${n}`, within: (k, n) => `à moins de ${k} de ${n}`, nearest: n => `les plus proches de ${n}`,
      demo: 'exemple fictif', address: 'Adresse', hours: 'Horaires', services: 'Services', website: 'Site web', or: ' ou ',
      loading: 'Recherche…', net: 'Le service de recherche ne répond pas.', apiErr: 'Recherche impossible : ', didYouMean: 'Vouliez-vous dire :',
      noMap: "La carte n'a pas pu être chargée.",
      corrected: (a, b) => `« ${a} » lu comme ${b}`, ignored: w => `« ${w} » ignoré`,
      detour: d => `+${d} de détour`, isOpen: 'ouvert maintenant', isClosed: 'fermé maintenant', trip: (a, b) => `de ${a} à ${b}`,
      days: { Mo: 'lun.', Tu: 'mar.', We: 'mer.', Th: 'jeu.', Fr: 'ven.', Sa: 'sam.', Su: 'dim.', PH: 'jours fériés', off: 'fermé' },
    },
    en: {
      q: 'Search for a third place', ph: '3D printing, coworking, Millau…', go: 'Search', types: 'Kinds of places',
      results: 'Results', map: 'Map of the places', open: 'Open the full search',
      count: n => n ? (n > 1 ? `${n} places` : '1 place') : 'No place matches.', shown: n => `, ${n} shown`,
      near: n => `near ${n}`, within: (k, n) => `within ${k} of ${n}`, nearest: n => `nearest to ${n}`,
      demo: 'fictional example', address: 'Address', hours: 'Opening hours', services: 'Services', website: 'Website', or: ' or ',
      loading: 'Searching…', net: 'The search service does not answer.', apiErr: 'Cannot search: ', didYouMean: 'Did you mean:',
      noMap: 'The map could not be loaded.',
      corrected: (a, b) => `"${a}" read as ${b}`, ignored: w => `"${w}" ignored`,
      detour: d => `+${d} detour`, isOpen: 'open now', isClosed: 'closed now', trip: (a, b) => `from ${a} to ${b}`,
      days: { Mo: 'Mon', Tu: 'Tue', We: 'Wed', Th: 'Thu', Fr: 'Fri', Sa: 'Sat', Su: 'Sun', PH: 'public holidays', off: 'closed' },
    },
  };
  const esc = s => String(s ?? '').replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);
  const fold = s => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

  // Leaflet, once per page, from this script's origin. A page that has
  // Leaflet 1.x already shares it; another global L is given back.
  function leaflet() {
    const w = window;
    if (w.L && /^1\./.test(w.L.version || '')) return Promise.resolve(w.L);
    return w.__tierslieuxLeaflet || (w.__tierslieuxLeaflet = new Promise((resolve, reject) => {
      const prev = w.L, s = document.createElement('script');
      s.src = asset('static/vendor/leaflet/leaflet.js');
      s.onload = () => resolve(prev ? w.L.noConflict() : w.L);
      s.onerror = reject;
      document.head.append(s);
    }));
  }

  const CSS = `
:host{display:block;height:480px;border:1px solid #c9c9d1;border-radius:8px;overflow:hidden;background:#fff;color:#1d1d1f;
 font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;text-align:left;contain:content;
 --red:#a3123a;--coworking:#1f5fbf;--fablab:#b8480c;--mediation-numerique:#137a3a}
:host([hidden]){display:none}
*{box-sizing:border-box}
.w{height:100%;display:flex;flex-direction:column;container-type:inline-size}
form{display:flex;gap:6px;padding:8px 8px 4px}
input,button{font:inherit;color:inherit}
input{flex:1;min-width:0;padding:6px 9px;border:1px solid #8c8c99;border-radius:6px}
button{cursor:pointer;border:1px solid #8c8c99;background:#fff;border-radius:6px;padding:5px 10px}
.go{background:var(--red);border-color:var(--red);color:#fff;font-weight:600}
:focus-visible{outline:3px solid #1a5fd0;outline-offset:1px}
.types{display:flex;flex-wrap:wrap;gap:4px;padding:0 8px 4px}
.t{border-radius:99px;padding:2px 9px;font-size:.9em}
.t[aria-pressed=true]{background:#1d1d1f;border-color:#1d1d1f;color:#fff}
.msg{margin:0;padding:3px 10px 6px;color:#5b5b66;font-size:.9em;border-bottom:1px solid #d9d9e0}
.msg.err{color:#7a0d2b;background:#fde8ec}
.msg button{margin:2px 4px 0 0;padding:0 6px;font-size:.95em;color:#7a0d2b;text-decoration:underline;border-color:#e6a3b3}
.body{flex:1;min-height:0;display:grid;grid-template-columns:minmax(210px,42%) 1fr}
ul{list-style:none;margin:0;padding:0;overflow:auto;border-right:1px solid #d9d9e0}
li{border-bottom:1px solid #e4e4ea}
.item{display:block;width:100%;text-align:left;border:0;border-left:4px solid transparent;border-radius:0;background:none;padding:7px 9px 7px 6px}
.item:hover,li.on .item{background:#f7eef1;border-left-color:var(--red)}
.name{font-weight:650}
.meta{display:block;color:#5b5b66;font-size:.88em}
.snip{color:#1d1d1f}mark{background:#ffe680;color:inherit}
.dist{float:right;font-weight:600;font-size:.9em;margin-left:6px}
.badge{font-size:.75em;font-weight:600;padding:0 5px;border-radius:4px;background:#fff0c2;color:#6b4e00;border:1px solid #e3c35a;white-space:nowrap}
.more{padding:0 10px 9px 10px;font-size:.9em}
.more p{margin:.3em 0}
.more b{color:#5b5b66;font-weight:600}
.more a{color:#7a0d2b}
.map{position:relative;min-height:0;background:#e5e9ec}
.tl{background:none;border:0}
.marker{display:block;width:18px;height:18px;border-radius:50%;background:var(--c,#6b6b75);border:3px solid #fff;box-shadow:0 1px 4px #0008}
.marker.on{transform:scale(1.4);box-shadow:0 0 0 3px #1d1d1f}
[data-type=coworking]{--c:var(--coworking)}[data-type=fablab]{--c:var(--fablab)}[data-type=mediation-numerique]{--c:var(--mediation-numerique)}
.anchor{display:block;width:12px;height:12px;transform:rotate(45deg);background:#1d1d1f;border:2px solid #fff}
.foot{margin:0;padding:4px 10px;font-size:.8em;border-top:1px solid #d9d9e0;color:#5b5b66}
.foot a{color:#7a0d2b}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
[hidden]{display:none!important}
@container (max-width:560px){.body{grid-template-columns:1fr;grid-template-rows:minmax(140px,42%) 1fr}.map{order:-1}ul{border-right:0}}`;

  class TiersLieuxSearch extends HTMLElement {
    static get observedAttributes() { return ['q', 'near', 'type', 'radius', 'from', 'to', 'open', 'lang', 'limit', 'key']; }

    connectedCallback() {
      if (this.shadowRoot) return;
      const root = this.attachShadow({ mode: 'open' });
      root.innerHTML = `<style>${CSS}</style><div class="w">
<form role="search"><label class="sr" for="q"></label><input id="q" type="search" autocomplete="off" enterkeyhint="search"><button class="go" type="submit"></button></form>
<div class="types" role="group"></div><p class="msg" role="status" aria-live="polite"></p>
<div class="body"><ul></ul><div class="map" role="region"></div></div>
<p class="foot"><a target="_blank" rel="noopener"></a> · Tiers-Lieux Occitanie</p></div>`;
      const $ = s => root.querySelector(s);
      this.el = { form: $('form'), q: $('#q'), types: $('.types'), msg: $('.msg'), list: $('ul'), map: $('.map'), foot: $('.foot a'), label: $('label'), go: $('.go') };
      this.sel = new Set(); // type toggles, when type is not preset
      this.over = {}; // parameters replaced by a suggestion after an error
      this.markers = new Map();
      this.el.q.value = this.getAttribute('q') || '';
      this.el.form.addEventListener('submit', e => { e.preventDefault(); this.search(); });
      this.el.types.addEventListener('click', e => {
        const b = e.target.closest('[data-type]');
        if (!b) return;
        const id = b.dataset.type;
        this.sel.has(id) ? this.sel.delete(id) : this.sel.add(id);
        this.search();
      });
      this.el.list.addEventListener('click', e => { const li = e.target.closest('li[data-id]'); if (li) this.select(li.dataset.id); });
      for (const [ev, on] of [['mouseover', 1], ['mouseout', 0], ['focusin', 1], ['focusout', 0]]) {
        this.el.list.addEventListener(ev, e => { const li = e.target.closest('li[data-id]'); if (li) this.mark(li.dataset.id, on); });
      }
      this.labels();
      this.ready = true;
      this.initMap();
      // The type buttons and the first search wait for the vocabulary,
      // fetched once per page as the script loads.
      vocabulary(this.getAttribute('key')).then(() => { this.labels(); this.search(); });
    }

    attributeChangedCallback(name) {
      if (!this.ready) return;
      if (name === 'q') this.el.q.value = this.getAttribute('q') || '';
      this.over = {};
      this.labels();
      this.search();
    }

    get lang() {
      const l = this.getAttribute('lang') || document.documentElement.lang || 'fr';
      return /^en/i.test(l) ? 'en' : 'fr';
    }

    t(k, ...a) { const v = DICT[this.lang][k]; return typeof v === 'function' ? v(...a) : v; }

    km(k) { return k < 1 ? `${Math.round(k * 1000)} m` : `${new Intl.NumberFormat(this.lang, { maximumFractionDigits: k < 10 ? 1 : 0 }).format(k)} km`; }

    label(table, id) { return (table[id] || [id, id])[this.lang === 'en' ? 1 : 0]; }

    preset() { return (this.getAttribute('type') || '').split(/[\s,]+/).filter(Boolean); }

    labels() {
      const e = this.el;
      e.label.textContent = this.t('q');
      e.q.placeholder = this.t('ph');
      e.go.textContent = this.t('go');
      e.list.setAttribute('aria-label', this.t('results'));
      e.map.setAttribute('aria-label', this.t('map'));
      e.types.setAttribute('aria-label', this.t('types'));
      e.types.hidden = this.preset().length > 0;
      e.types.innerHTML = Object.keys(VOCAB.types).map(id =>
        `<button type="button" class="t" data-type="${id}" aria-pressed="${this.sel.has(id)}">${esc(this.label(VOCAB.types, id))}</button>`).join('');
    }

    params() {
      const p = new URLSearchParams(), q = this.el.q.value.trim();
      if (q) p.set('q', q);
      for (const k of ['near', 'radius', 'from', 'to', 'open']) { const v = this.over[k] || this.getAttribute(k); if (v) p.set(k, v); }
      const types = this.preset().length ? this.preset() : [...this.sel];
      types.forEach(x => p.append('type', x));
      return p;
    }

    async search() {
      const seq = this.seq = (this.seq || 0) + 1, p = this.params(), e = this.el;
      const page = new URLSearchParams(p);
      if (this.lang === 'en') page.set('lang', 'en');
      e.foot.href = `${BASE}?${page}`;
      e.foot.textContent = this.t('open');
      e.msg.className = 'msg';
      e.msg.textContent = this.t('loading');
      const limit = Math.min(100, Math.max(1, parseInt(this.getAttribute('limit'), 10) || 20));
      p.set('limit', limit);
      let res;
      try {
        p.set('lang', this.lang); // messages in the widget's language
        const r = await fetch(api('search', p, this.getAttribute('key')), { credentials: 'omit' });
        res = await r.json();
        if (!r.ok) throw Object.assign(new Error(res.error?.message), { api: res.error });
      } catch (err) {
        if (seq !== this.seq) return;
        this.res = null;
        this.layer?.clearLayers();
        this.results = [];
        this.render();
        return this.error(err);
      }
      if (seq !== this.seq) return;
      this.res = res;
      this.results = res.results;
      this.render();
      const q = res.query, parts = [];
      if (q.types.length) parts.push(q.types.map(x => this.label(VOCAB.types, x)).join(this.t('or')));
      if (q.services.length) parts.push(q.services.map(x => this.label(VOCAB.services, x)).join(' + '));
      if (q.route) parts.push(this.t('trip', q.route.from.name, q.route.to.name));
      if (q.open) parts.push(q.open.description);
      if (q.near && !q.route) {
        const n = /^-?[\d.]+,/.test(q.near.name) ? '…' : q.near.dept ? `${q.near.name} (${q.near.dept})` : q.near.name;
        parts.push(q.nearest ? this.t('nearest', n) : q.radius_km ? this.t('within', this.km(q.radius_km), n) : this.t('near', n));
      }
      // What the server read differently from what was typed.
      const said = [...(q.corrected || []).map(c => this.t('corrected', c.from, c.to)),
        ...[...(q.text_ignored || []), ...(q.text_relaxed || [])].map(w => this.t('ignored', w))];
      e.msg.textContent = this.t('count', res.total) + (res.total > res.results.length ? this.t('shown', res.results.length) : '') +
        (parts.length ? ' · ' + parts.join(' · ') : '') + (said.length ? ' · ' + said.join(' · ') : '');
    }

    error(err) {
      const e = this.el, a = err.api;
      e.msg.className = 'msg err';
      e.msg.textContent = a ? this.t('apiErr') + a.message : this.t('net');
      if (!a || !a.suggestions) return;
      e.msg.append(' ' + this.t('didYouMean') + ' ');
      for (const s of a.suggestions) {
        const b = document.createElement('button');
        b.type = 'button';
        b.textContent = s;
        b.onclick = () => {
          if (a.param === 'q') {
            const bad = /"([^"]+)"/.exec(a.message)?.[1], good = s.replace(/\s*\(.*\)$/, ''), q = e.q.value, i = bad ? fold(q).lastIndexOf(fold(bad)) : -1;
            e.q.value = i >= 0 ? q.slice(0, i) + good + q.slice(i + bad.length) : good;
          } else if (a.param) this.over[a.param] = s;
          this.search();
        };
        e.msg.append(b);
      }
    }

    render() {
      const e = this.el, d = this.t('days');
      this.open = null;
      e.types.querySelectorAll('[data-type]').forEach(b => b.setAttribute('aria-pressed', String(this.sel.has(b.dataset.type))));
      e.list.innerHTML = this.results.map(r => {
        const web = /^https?:\/\//i.test(r.website || '') ? r.website : '';
        const more = [r.description && `<p>${esc(r.description)}</p>`,
          (r.address || r.commune) && `<p><b>${this.t('address')}</b> ${esc([r.address, [r.postcode, r.commune].filter(Boolean).join(' ')].filter(Boolean).join(', '))}</p>`,
          r.opening_hours && `<p><b>${this.t('hours')}</b> ${esc(r.opening_hours).replace(/\b(Mo|Tu|We|Th|Fr|Sa|Su|PH|off)\b/g, m => d[m]).replace(/-/g, '–').replace(/;/g, ' ·')}</p>`,
          r.services.length && `<p><b>${this.t('services')}</b> ${esc(r.services.map(s => this.label(VOCAB.services, s)).join(', '))}</p>`,
          web && `<p><a href="${esc(web)}" target="_blank" rel="noopener noreferrer">${this.t('website')}</a></p>`].filter(Boolean).join('');
        return `<li data-id="${esc(r.id)}"><button type="button" class="item" aria-expanded="false" aria-controls="d-${esc(r.id)}">` +
          (r.distance_km !== undefined ? `<span class="dist">${this.km(r.distance_km)}</span>` : '') +
          // Highlights come escaped from the server, with <mark> around the words.
          `<span class="name">${r.highlight?.name || esc(r.name)}</span>${r.demo ? ` <span class="badge">${this.t('demo')}</span>` : ''}` +
          `<span class="meta">${esc(r.types.map(x => this.label(VOCAB.types, x)).join(', '))}${r.types.length ? ' · ' : ''}${esc(r.commune)} (${esc(r.dept)})</span>` +
          (r.highlight?.description ? `<span class="meta snip">${r.highlight.description}</span>` : '') +
          (r.detour_km !== undefined ? `<span class="meta">${esc(this.t('detour', this.km(r.detour_km)))}</span>` : '') +
          (r.open_now === true || r.open_now === false ? `<span class="meta">${this.t(r.open_now ? 'isOpen' : 'isClosed')}${r.today_hours ? ' · ' + esc(r.today_hours) : ''}</span>` : '') + '</button>' +
          `<div class="more" id="d-${esc(r.id)}" hidden>${more}</div></li>`;
      }).join('');
      this.draw();
    }

    async initMap() {
      const link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = asset('static/vendor/leaflet/leaflet.css');
      const css = new Promise(r => { link.onload = link.onerror = r; });
      this.shadowRoot.prepend(link);
      let L;
      try { [L] = await Promise.all([leaflet(), css]); } catch { this.el.map.textContent = this.t('noMap'); return; }
      this.L = L;
      const map = this.map = L.map(this.el.map, { scrollWheelZoom: false }).setView([43.7, 2.3], 7);
      // Wheel zoom only once the map is in use, so the page still scrolls.
      map.on('focus click', () => map.scrollWheelZoom.enable());
      map.on('blur mouseout', () => map.scrollWheelZoom.disable());
      const meta = n => document.querySelector(`meta[name="tierslieux-${n}"]`)?.content;
      const tiles = this.getAttribute('tiles') ?? meta('tiles') ?? TILES;
      const attr = esc(this.getAttribute('attribution') ?? meta('attribution') ?? ATTRIBUTION);
      if (tiles) L.tileLayer(tiles, { maxZoom: 19, attribution: /openstreetmap/i.test(tiles) ? attr.replace('OpenStreetMap', '<a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>') : attr }).addTo(map);
      this.layer = L.layerGroup().addTo(map);
      new ResizeObserver(() => map.invalidateSize()).observe(this.el.map);
      this.draw();
    }

    draw() {
      const L = this.L, map = this.map;
      if (!L || !this.res) return;
      this.layer.clearLayers();
      this.markers.clear();
      const q = this.res.query, pts = [];
      if (q.near) {
        const ll = [q.near.lat, q.near.lon];
        L.marker(ll, { interactive: false, keyboard: false, zIndexOffset: -1000, icon: L.divIcon({ className: 'tl', html: '<span class="anchor"></span>', iconSize: [16, 16] }) }).addTo(this.layer);
        if (q.radius_km && !q.nearest) L.circle(ll, { radius: q.radius_km * 1000, color: '#a3123a', weight: 1.5, fillOpacity: 0.04, interactive: false }).addTo(this.layer);
        pts.push(ll);
      }
      for (const r of this.results) {
        const m = L.marker([r.lat, r.lon], { title: r.name, riseOnHover: true, icon: L.divIcon({ className: 'tl', iconSize: [24, 24],
          html: `<span class="marker" data-id="${esc(r.id)}" data-type="${esc(r.types[0] || '')}"></span>` }) });
        m.on('click', () => this.select(r.id, true));
        m.on('keydown', e => { const k = e.originalEvent.key; if (k === 'Enter' || k === ' ') { e.originalEvent.preventDefault(); this.select(r.id, true); } });
        m.on('mouseover', () => this.mark(r.id, 1, true));
        m.on('mouseout', () => this.mark(r.id, 0));
        m.bindTooltip(esc(r.name), { direction: 'top', offset: [0, -10] });
        m.addTo(this.layer);
        this.markers.set(r.id, m);
        pts.push([r.lat, r.lon]);
      }
      if (pts.length === 1) map.setView(pts[0], 12);
      else if (pts.length) map.fitBounds(pts, { padding: [24, 24], maxZoom: 14 });
    }

    mark(id, on, fromMap) {
      on = on || id === this.open;
      const li = this.el.list.querySelector(`li[data-id="${window.CSS.escape(id)}"]`);
      li?.classList.toggle('on', !!on);
      if (on && fromMap) li?.scrollIntoView({ block: 'nearest' });
      const m = this.markers.get(id);
      m?.getElement()?.firstChild.classList.toggle('on', !!on);
      m?.setZIndexOffset(on ? 1000 : 0);
    }

    // Opens (or closes) a result's details in the list and pans the map.
    select(id, fromMap) {
      const prev = this.open, li = this.el.list.querySelector(`li[data-id="${window.CSS.escape(id)}"]`);
      if (prev) {
        const p = this.el.list.querySelector(`li[data-id="${window.CSS.escape(prev)}"]`);
        p?.querySelector('.more').setAttribute('hidden', '');
        p?.querySelector('.item').setAttribute('aria-expanded', 'false');
        this.open = null;
        this.mark(prev, 0);
      }
      if (prev === id || !li) return;
      this.open = id;
      li.querySelector('.more').hidden = false;
      li.querySelector('.item').setAttribute('aria-expanded', 'true');
      this.mark(id, 1, fromMap);
      if (fromMap) li.querySelector('.item').focus({ preventScroll: true });
      const r = this.results.find(x => x.id === id);
      if (this.map && r) this.map.panTo([r.lat, r.lon]);
    }
  }

  if (!customElements.get('tierslieux-search')) customElements.define('tierslieux-search', TiersLieuxSearch);

  // The /embed page: one widget from the page's own URL.
  if (SCRIPT && SCRIPT.hasAttribute('data-from-url')) {
    const u = new URLSearchParams(location.search), w = document.createElement('tierslieux-search');
    for (const k of ['q', 'near', 'radius', 'from', 'to', 'open', 'lang', 'limit', 'key']) if (u.get(k)) w.setAttribute(k, u.get(k));
    if (u.get('lang')) document.documentElement.lang = u.get('lang');
    const types = u.getAll('type').join(',');
    if (types) w.setAttribute('type', types);
    const go = () => document.body.append(w);
    document.body ? go() : addEventListener('DOMContentLoaded', go);
  }
})();
