/* The events map, timeline and list of the map page.
 *
 * The map is drawn on a <canvas> in Web Mercator from the packaged Natural Earth basemap; no tiles, no
 * network beyond this server.  Markers are clustered on a screen grid per integer zoom level.  Every piece
 * of data is put into the page with textContent, never as HTML.
 */
(function () {
  'use strict';

  const WORLD = 256;            // world size in pixels at zoom 0
  const MIN_ZOOM = 1;
  const MAX_ZOOM = 15;
  const CELL = 46;              // cluster grid cell, CSS pixels
  const LIST_PAGE = 50;
  const MENA = [-18, 8, 63, 43];  // default view: minlon, minlat, maxlon, maxlat

  const frame = document.getElementById('map');
  const canvas = document.getElementById('map-canvas');
  const ctx = canvas.getContext('2d');
  const popup = document.getElementById('map-popup');
  const statusLine = document.getElementById('map-status');
  const form = document.getElementById('filters');
  const style = getComputedStyle(document.documentElement);
  const cssVar = (name) => style.getPropertyValue(name).trim();

  const view = { zoom: 3, cx: WORLD / 2, cy: WORLD / 2, width: 0, height: 0, dpr: 1 };
  const data = { countries: [], admin1: [], types: [], colors: [], points: null, total: 0, clusters: null, clusterZoom: -1 };
  // the map page reads its filters from its own address; a page that embeds the map (a story) gives them
  const embedded = frame.dataset.query !== undefined;
  let query = embedded ? frame.dataset.query : window.location.search.replace(/^\?/, '');
  let requestSerial = 0;
  let basemapReady = Promise.resolve();
  let frameRequested = false;

  // --- projection ---------------------------------------------------------------------------------------------
  const projX = (lon) => (lon + 180) / 360 * WORLD;
  const projY = (lat) => {
    const s = Math.sin(Math.max(-85, Math.min(85, lat)) * Math.PI / 180);
    return (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * WORLD;
  };
  const scale = () => Math.pow(2, view.zoom);
  const toScreen = (wx, wy) => {
    const k = scale();
    return [(wx - view.cx) * k + view.width / 2, (wy - view.cy) * k + view.height / 2];
  };
  const toWorld = (sx, sy) => {
    const k = scale();
    return [(sx - view.width / 2) / k + view.cx, (sy - view.height / 2) / k + view.cy];
  };

  function typeColor(name) {
    const slug = String(name).toLowerCase().replace(/[^a-z]+/g, '-');
    return cssVar('--et-' + slug) || cssVar('--et-other') || '#777';
  }

  // --- basemap ------------------------------------------------------------------------------------------------
  function prepareBasemap(basemap) {
    data.countries = basemap.countries.map((c) => {
      const path = new Path2D();
      for (const polygon of c.polygons) {
        for (const ring of polygon) {
          path.moveTo(projX(ring[0]), projY(ring[1]));
          for (let i = 2; i < ring.length; i += 2) path.lineTo(projX(ring[i]), projY(ring[i + 1]));
          path.closePath();
        }
      }
      return { path: path, name: c.name, nameAr: c.name_ar, rank: c.rank, x: projX(c.label[0]), y: projY(c.label[1]) };
    });
    data.admin1 = basemap.admin1.map((a) => ({ name: a.name, nameAr: a.name_ar, rank: a.rank, x: projX(a.lon), y: projY(a.lat) }));
  }

  // --- markers and clusters -----------------------------------------------------------------------------------
  function setPoints(result) {
    const p = result.points;
    const n = p.id.length;
    const x = new Float64Array(n), y = new Float64Array(n);
    for (let i = 0; i < n; i++) { x[i] = projX(p.lon[i]); y[i] = projY(p.lat[i]); }
    data.points = { id: p.id, type: p.type, x: x, y: y, n: n };
    data.types = result.types;
    data.colors = result.types.map(typeColor);
    data.total = result.total;
    data.clusters = null;
    data.clusterZoom = -1;
  }

  function clustersAt(zoomLevel) {
    if (data.clusters && data.clusterZoom === zoomLevel) return data.clusters;
    const k = Math.pow(2, zoomLevel);
    const cells = new Map();
    const pts = data.points;
    for (let i = 0; i < pts.n; i++) {
      const key = Math.floor(pts.x[i] * k / CELL) + ':' + Math.floor(pts.y[i] * k / CELL);
      let c = cells.get(key);
      if (!c) {
        c = { sx: 0, sy: 0, members: [], byType: new Array(data.types.length).fill(0),
              minx: Infinity, miny: Infinity, maxx: -Infinity, maxy: -Infinity };
        cells.set(key, c);
      }
      c.sx += pts.x[i]; c.sy += pts.y[i];
      c.members.push(i);
      c.byType[pts.type[i]] += 1;
      c.minx = Math.min(c.minx, pts.x[i]); c.maxx = Math.max(c.maxx, pts.x[i]);
      c.miny = Math.min(c.miny, pts.y[i]); c.maxy = Math.max(c.maxy, pts.y[i]);
    }
    data.clusters = Array.from(cells.values(), (c) => {
      c.x = c.sx / c.members.length; c.y = c.sy / c.members.length;
      c.count = c.members.length;
      c.radius = c.count === 1 ? 6 : Math.min(26, 11 + 4 * Math.log10(c.count));
      return c;
    });
    data.clusterZoom = zoomLevel;
    return data.clusters;
  }

  const currentClusters = () => (data.points ? clustersAt(Math.round(view.zoom)) : []);

  // --- drawing ------------------------------------------------------------------------------------------------
  function requestDraw() {
    if (frameRequested) return;
    frameRequested = true;
    window.requestAnimationFrame(() => { frameRequested = false; draw(); });
  }

  function resize() {
    const rect = canvas.getBoundingClientRect();
    view.dpr = window.devicePixelRatio || 1;
    view.width = rect.width; view.height = rect.height;
    canvas.width = Math.round(rect.width * view.dpr);
    canvas.height = Math.round(rect.height * view.dpr);
  }

  function draw() {
    const k = scale();
    ctx.setTransform(view.dpr, 0, 0, view.dpr, 0, 0);
    ctx.fillStyle = cssVar('--sea');
    ctx.fillRect(0, 0, view.width, view.height);
    ctx.setTransform(view.dpr * k, 0, 0, view.dpr * k,
      view.dpr * (view.width / 2 - view.cx * k), view.dpr * (view.height / 2 - view.cy * k));
    ctx.fillStyle = cssVar('--land');
    ctx.strokeStyle = cssVar('--border');
    ctx.lineWidth = 0.8 / k;
    ctx.lineJoin = 'round';
    for (const c of data.countries) { ctx.fill(c.path, 'evenodd'); ctx.stroke(c.path); }
    ctx.setTransform(view.dpr, 0, 0, view.dpr, 0, 0);
    drawLabels();
    drawMarkers();
  }

  function drawLabels() {
    const taken = [];
    const free = (x, y, w, h) => {
      if (x + w < 0 || y + h < 0 || x > view.width || y > view.height) return false;
      for (const r of taken) if (x < r[0] + r[2] && r[0] < x + w && y < r[1] + r[3] && r[1] < y + h) return false;
      taken.push([x, y, w, h]);
      return true;
    };
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    if (view.zoom >= 2.5) {
      ctx.font = '600 12px "DejaVu Sans", sans-serif';
      ctx.fillStyle = '#5d5a50';
      for (const c of data.countries) {
        if (c.rank > view.zoom + 1) continue;
        const [sx, sy] = toScreen(c.x, c.y);
        const label = view.zoom >= 4.5 && c.nameAr ? c.name + ' · ' + c.nameAr : c.name;
        const w = ctx.measureText(label).width;
        if (free(sx - w / 2, sy - 8, w, 16)) ctx.fillText(label, sx, sy);
      }
    }
    if (view.zoom >= 5) {
      ctx.font = '11px "DejaVu Sans", sans-serif';
      for (const a of data.admin1) {
        if (a.rank > view.zoom + 3) continue;
        const [sx, sy] = toScreen(a.x, a.y);
        const label = view.zoom >= 6 && a.nameAr ? a.name + ' · ' + a.nameAr : a.name;
        const w = ctx.measureText(label).width;
        if (!free(sx - w / 2, sy + 2, w, 14)) continue;
        ctx.fillStyle = '#8a8578';
        ctx.beginPath(); ctx.arc(sx, sy, 2.5, 0, 2 * Math.PI); ctx.fill();
        ctx.fillStyle = '#4f4b42';
        ctx.fillText(label, sx, sy + 9);
      }
    }
  }

  function drawMarkers() {
    let drawn = 0;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.font = 'bold 11px "DejaVu Sans", sans-serif';
    for (const c of currentClusters()) {
      drawn += c.count;
      const [sx, sy] = toScreen(c.x, c.y);
      if (sx < -30 || sy < -30 || sx > view.width + 30 || sy > view.height + 30) continue;
      if (c.count === 1) {
        ctx.beginPath();
        ctx.arc(sx, sy, c.radius, 0, 2 * Math.PI);
        ctx.fillStyle = data.colors[data.points.type[c.members[0]]];
        ctx.fill();
        ctx.lineWidth = 1.5; ctx.strokeStyle = '#fff'; ctx.stroke();
        continue;
      }
      let angle = -Math.PI / 2;
      c.byType.forEach((n, t) => {
        if (!n) return;
        const sweep = 2 * Math.PI * n / c.count;
        ctx.beginPath(); ctx.moveTo(sx, sy);
        ctx.arc(sx, sy, c.radius, angle, angle + sweep);
        ctx.closePath();
        ctx.fillStyle = data.colors[t]; ctx.fill();
        angle += sweep;
      });
      ctx.beginPath(); ctx.arc(sx, sy, c.radius * 0.62, 0, 2 * Math.PI);
      ctx.fillStyle = '#fff'; ctx.fill();
      ctx.fillStyle = '#1d2433';
      ctx.fillText(c.count > 9999 ? Math.round(c.count / 1000) + 'k' : String(c.count), sx, sy + 0.5);
    }
    frame.dataset.markers = String(drawn);
    frame.dataset.clusters = String(currentClusters().length);
  }

  // --- view changes -------------------------------------------------------------------------------------------
  function zoomAround(newZoom, sx, sy) {
    newZoom = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, newZoom));
    const [wx, wy] = toWorld(sx, sy);
    view.zoom = newZoom;
    const k = scale();
    view.cx = wx - (sx - view.width / 2) / k;
    view.cy = wy - (sy - view.height / 2) / k;
    clampCenter();
    requestDraw();
  }

  function clampCenter() {
    view.cx = Math.max(0, Math.min(WORLD, view.cx));
    view.cy = Math.max(0, Math.min(WORLD, view.cy));
  }

  function fitWorldBox(minx, miny, maxx, maxy, maxZoom) {
    const pad = 60;
    const w = Math.max(maxx - minx, 1e-9), h = Math.max(maxy - miny, 1e-9);
    const zoom = Math.log2(Math.min((view.width - 2 * pad) / w, (view.height - 2 * pad) / h));
    view.zoom = Math.max(MIN_ZOOM, Math.min(maxZoom, zoom));
    view.cx = (minx + maxx) / 2; view.cy = (miny + maxy) / 2;
  }

  function fitLonLat(box) {
    fitWorldBox(projX(box[0]), projY(box[3]), projX(box[2]), projY(box[1]), 12);
  }

  function fitData() {
    const bbox = new URLSearchParams(query).get('bbox');
    if (bbox && bbox.split(',').length === 4) { fitLonLat(bbox.split(',').map(Number)); return; }
    const p = data.points;
    if (!p || !p.n) { fitLonLat(MENA); return; }
    let minx = Infinity, miny = Infinity, maxx = -Infinity, maxy = -Infinity;
    for (let i = 0; i < p.n; i++) {
      minx = Math.min(minx, p.x[i]); maxx = Math.max(maxx, p.x[i]);
      miny = Math.min(miny, p.y[i]); maxy = Math.max(maxy, p.y[i]);
    }
    fitWorldBox(minx, miny, maxx, maxy, 9);
  }

  // --- hit testing and popups ---------------------------------------------------------------------------------
  function clusterAt(sx, sy) {
    let best = null, bestDistance = Infinity;
    for (const c of currentClusters()) {
      const [cx, cy] = toScreen(c.x, c.y);
      const d = Math.hypot(cx - sx, cy - sy);
      if (d <= c.radius + 4 && d < bestDistance) { best = c; bestDistance = d; }
    }
    return best;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === 'class') node.className = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const eventUrl = (id) => '/events/' + encodeURIComponent(id);
  const docUrl = (id) => '/documents/' + encodeURIComponent(id);

  function typeDot(typeName) {
    const dot = el('span', { class: 'dot' });
    dot.style.background = typeColor(typeName);
    return dot;
  }

  function showPopup(sx, sy, content) {
    popup.replaceChildren(el('button', { type: 'button', class: 'close', 'aria-label': 'close' }, '×'), content);
    popup.querySelector('.close').addEventListener('click', hidePopup);
    popup.hidden = false;
    const w = popup.offsetWidth, h = popup.offsetHeight;
    popup.style.left = Math.max(4, Math.min(view.width - w - 4, sx + 12)) + 'px';
    popup.style.top = Math.max(4, Math.min(view.height - h - 4, sy + 12)) + 'px';
  }

  function hidePopup() { popup.hidden = true; popup.replaceChildren(); }

  function eventSummary(e) {
    const actors = [e.actor1, e.actor2].filter(Boolean).join(' · ');
    return el('div', { class: 'event-summary', 'data-event-id': e.id },
      el('h3', {}, typeDot(e.event_type), e.event_type, ' · ', e.sub_event_type),
      el('p', {}, e.event_date || '—', ' · ', e.location || '—', e.location_ar ? ' ' : null,
        e.location_ar ? el('span', { lang: 'ar' }, e.location_ar) : null, e.country ? ' (' + e.country + ')' : null),
      actors ? el('p', {}, 'Actors · الفاعلون: ', actors) : null,
      e.fatalities !== null && e.fatalities !== undefined ? el('p', {}, 'Fatalities · القتلى: ', e.fatalities) : null,
      el('p', { dir: 'auto' }, e.outlet || '', e.outlet && e.title ? ' — ' : '', e.title || ''),
      el('p', {}, el('a', { href: eventUrl(e.id), class: 'popup-event' }, 'Event · الحدث'), ' · ',
        el('a', { href: docUrl(e.doc_id), class: 'popup-document' }, 'Document · الوثيقة')));
  }

  async function fetchJson(url) {
    const response = await fetch(url, { headers: { Accept: 'application/json' } });
    const body = await response.json();
    if (!response.ok) throw new Error(body.error || response.statusText);
    return body;
  }

  async function openEvent(id, sx, sy) {
    showPopup(sx, sy, el('p', {}, 'Loading… جارٍ التحميل'));
    try {
      showPopup(sx, sy, eventSummary(await fetchJson(eventUrl(id) + '.json')));
    } catch (err) {
      showPopup(sx, sy, el('p', {}, 'Could not load the event: ', err.message));
    }
  }

  async function openCluster(c, sx, sy) {
    const ids = c.members.slice(0, 10).map((i) => data.points.id[i]);
    const list = el('ul', {});
    const header = el('h3', {}, c.count + ' events at this spot · أحداث في هذا الموقع');
    showPopup(sx, sy, el('div', {}, header, list));
    const events = await Promise.all(ids.map((id) => fetchJson(eventUrl(id) + '.json').catch(() => null)));
    for (const e of events) {
      if (!e) continue;
      list.append(el('li', {}, typeDot(e.event_type),
        el('a', { href: eventUrl(e.id) }, (e.event_date || '—') + ' · ' + e.sub_event_type),
        ' ', e.location || ''));
    }
    if (c.count > ids.length) list.append(el('li', { class: 'muted' }, '… ' + (c.count - ids.length) + ' more'));
    showPopup(sx, sy, el('div', {}, header, list));
  }

  function onClick(sx, sy) {
    const c = clusterAt(sx, sy);
    if (!c) { hidePopup(); return; }
    const [cx, cy] = toScreen(c.x, c.y);
    if (c.count === 1) { openEvent(data.points.id[c.members[0]], cx, cy); return; }
    const spread = Math.max(c.maxx - c.minx, c.maxy - c.miny) * Math.pow(2, MAX_ZOOM);
    if (spread < CELL || Math.round(view.zoom) >= MAX_ZOOM) { openCluster(c, cx, cy); return; }
    hidePopup();
    fitWorldBox(c.minx, c.miny, c.maxx, c.maxy, Math.min(MAX_ZOOM, Math.round(view.zoom) + 3));
    if (Math.round(view.zoom) <= data.clusterZoom) view.zoom = data.clusterZoom + 1;
    requestDraw();
  }

  // --- pointer, wheel and buttons -----------------------------------------------------------------------------
  let drag = null;
  canvas.addEventListener('pointerdown', (ev) => {
    if (ev.button !== 0) return;
    drag = { x: ev.clientX, y: ev.clientY, cx: view.cx, cy: view.cy, moved: false };
    canvas.setPointerCapture(ev.pointerId);
  });
  canvas.addEventListener('pointermove', (ev) => {
    if (!drag) return;
    const dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < 4) return;
    if (!drag.moved) { drag.moved = true; canvas.classList.add('dragging'); hidePopup(); }
    const k = scale();
    view.cx = drag.cx - dx / k; view.cy = drag.cy - dy / k;
    clampCenter();
    requestDraw();
  });
  canvas.addEventListener('pointerup', (ev) => {
    if (!drag) return;
    const wasClick = !drag.moved;
    drag = null;
    canvas.classList.remove('dragging');
    if (wasClick) {
      const rect = canvas.getBoundingClientRect();
      onClick(ev.clientX - rect.left, ev.clientY - rect.top);
    }
  });
  canvas.addEventListener('wheel', (ev) => {
    ev.preventDefault();
    const rect = canvas.getBoundingClientRect();
    hidePopup();
    zoomAround(view.zoom - ev.deltaY * (ev.deltaMode === 1 ? 0.05 : 0.002), ev.clientX - rect.left, ev.clientY - rect.top);
  }, { passive: false });
  frame.querySelector('.map-controls').addEventListener('click', (ev) => {
    const action = ev.target.dataset.zoom;
    if (!action) return;
    hidePopup();
    if (action === 'fit') { fitData(); requestDraw(); return; }
    zoomAround(Math.round(view.zoom) + (action === 'in' ? 1 : -1), view.width / 2, view.height / 2);
  });
  document.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') hidePopup(); });
  new ResizeObserver(() => { resize(); requestDraw(); drawTimeline(); }).observe(frame);

  // --- legend -------------------------------------------------------------------------------------------------
  function drawLegend(result) {
    const legend = document.getElementById('map-legend');
    const present = new Set(result.timeline.flatMap((d) => d.counts.map((n, t) => (n ? t : -1))));
    legend.replaceChildren(...result.types.map((name, t) => {
      if (!present.has(t)) return null;
      const swatch = el('span', { class: 'swatch' });
      swatch.style.background = data.colors[t];
      return el('div', {}, swatch, name);
    }).filter(Boolean));
    legend.hidden = !legend.children.length;
  }

  // --- timeline -----------------------------------------------------------------------------------------------
  const timelineCanvas = document.getElementById('timeline-canvas');
  const timelineTip = document.getElementById('timeline-tip');
  const timeline = { buckets: [], barWidth: 0, left: 34 };
  const DAY = 86400000;

  function buildBuckets(result) {
    const days = result.timeline.filter((d) => d.date);
    if (!days.length) return [];
    const first = Date.parse(days[0].date), last = Date.parse(days[days.length - 1].date);
    const nDays = Math.round((last - first) / DAY) + 1;
    const width = timelineCanvas.getBoundingClientRect().width - timeline.left - 8;
    const span = Math.max(1, Math.ceil(nDays / Math.max(1, Math.floor(width / 4))));
    const buckets = [];
    for (let i = 0; i < Math.ceil(nDays / span); i++) {
      buckets.push({ start: first + i * span * DAY, span: span, counts: new Array(result.types.length).fill(0), total: 0 });
    }
    for (const d of days) {
      const b = buckets[Math.floor(Math.round((Date.parse(d.date) - first) / DAY) / span)];
      d.counts.forEach((n, t) => { b.counts[t] += n; b.total += n; });
    }
    return buckets;
  }

  const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);

  function drawTimeline() {
    const rect = timelineCanvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    timelineCanvas.width = Math.round(rect.width * dpr);
    timelineCanvas.height = Math.round(rect.height * dpr);
    const g = timelineCanvas.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, rect.width, rect.height);
    const buckets = timeline.buckets;
    const top = 10, bottom = rect.height - 22, left = timeline.left, right = rect.width - 8;
    g.font = '11px "DejaVu Sans", sans-serif';
    g.fillStyle = '#667085';
    if (!buckets.length) { g.fillText('No dated events · لا أحداث مؤرخة', left, rect.height / 2); return; }
    const max = Math.max(...buckets.map((b) => b.total), 1);
    timeline.barWidth = (right - left) / buckets.length;
    g.strokeStyle = '#d9dee7';
    g.beginPath(); g.moveTo(left, bottom + 0.5); g.lineTo(right, bottom + 0.5); g.stroke();
    g.textAlign = 'right'; g.textBaseline = 'middle';
    g.fillText(String(max), left - 4, top + 4); g.fillText('0', left - 4, bottom);
    buckets.forEach((b, i) => {
      let y = bottom;
      const x = left + i * timeline.barWidth;
      b.counts.forEach((n, t) => {
        if (!n) return;
        const h = (bottom - top) * n / max;
        g.fillStyle = data.colors[t];
        g.fillRect(x, y - h, Math.max(1, timeline.barWidth - (timeline.barWidth > 3 ? 1 : 0)), h);
        y -= h;
      });
    });
    g.fillStyle = '#667085'; g.textBaseline = 'top';
    const ticks = Math.min(buckets.length, Math.max(2, Math.floor((right - left) / 110)));
    for (let i = 0; i < ticks; i++) {
      const index = Math.round(i * (buckets.length - 1) / Math.max(1, ticks - 1));
      g.textAlign = i === 0 ? 'left' : i === ticks - 1 ? 'right' : 'center';
      const x = left + (index + (i === ticks - 1 ? 1 : i === 0 ? 0 : 0.5)) * timeline.barWidth;
      g.fillText(isoDay(buckets[index].start), x, bottom + 5);
    }
  }

  function bucketAt(ev) {
    const rect = timelineCanvas.getBoundingClientRect();
    const i = Math.floor((ev.clientX - rect.left - timeline.left) / timeline.barWidth);
    return { bucket: timeline.buckets[i], x: ev.clientX - rect.left };
  }

  function bucketRange(b) {
    return [isoDay(b.start), isoDay(b.start + (b.span - 1) * DAY)];
  }

  timelineCanvas.addEventListener('mousemove', (ev) => {
    const { bucket, x } = bucketAt(ev);
    if (!bucket) { timelineTip.hidden = true; return; }
    const [from, to] = bucketRange(bucket);
    const lines = [from === to ? from : from + ' → ' + to, bucket.total + ' events · حدث'];
    bucket.counts.forEach((n, t) => { if (n) lines.push(data.types[t] + ': ' + n); });
    timelineTip.textContent = lines.join('\n');
    timelineTip.style.whiteSpace = 'pre';
    timelineTip.hidden = false;
    timelineTip.style.left = Math.min(x + 12, timelineCanvas.clientWidth - timelineTip.offsetWidth - 4) + 'px';
  });
  timelineCanvas.addEventListener('mouseleave', () => { timelineTip.hidden = true; });
  timelineCanvas.addEventListener('click', (ev) => {
    const { bucket } = bucketAt(ev);
    if (!bucket || !bucket.total) return;
    const [from, to] = bucketRange(bucket);
    form.elements.from.value = from;
    form.elements.to.value = to;
    form.requestSubmit();
  });

  // --- event list ---------------------------------------------------------------------------------------------
  const listBody = document.querySelector('#event-list tbody');
  const moreButton = document.getElementById('more-events');
  let nextCursor = null;

  function eventRow(e) {
    return el('tr', {},
      el('td', { class: 'nowrap' }, el('a', { href: eventUrl(e.id) }, e.event_date || '—'),
        e.modality !== 'asserted' ? el('span', { class: 'badge' }, e.modality) : null),
      el('td', {}, typeDot(e.event_type), e.event_type, ' · ', e.sub_event_type),
      el('td', {}, e.location || '—', e.location_ar ? ' ' : null, e.location_ar ? el('span', { lang: 'ar' }, e.location_ar) : null),
      el('td', {}, [e.actor1, e.actor2].filter(Boolean).join(' · ') || '—'),
      el('td', {}, el('a', { href: docUrl(e.doc_id), dir: 'auto' }, e.title || e.outlet || e.doc_id.slice(0, 12))));
  }

  async function loadList(append) {
    const params = new URLSearchParams(query);
    params.set('limit', String(LIST_PAGE));
    if (append && nextCursor) params.set('cursor', nextCursor);
    const serial = requestSerial;
    const page = await fetchJson('/events.json?' + params.toString());
    if (serial !== requestSerial) return;
    if (!append) listBody.replaceChildren();
    listBody.append(...page.rows.map(eventRow));
    if (!append && !page.rows.length) listBody.append(el('tr', {}, el('td', { colspan: '5', class: 'muted' }, 'No events match. لا أحداث مطابقة.')));
    nextCursor = page.next_cursor;
    moreButton.hidden = !nextCursor;
  }
  moreButton.addEventListener('click', () => loadList(true));

  // --- loading ------------------------------------------------------------------------------------------------
  function showStatus(result) {
    let text = result.total + ' events · حدث, ' + result.located + ' on the map · على الخريطة';
    if (result.truncated) text += ' (the first ' + result.located + ' only: narrow the filters)';
    statusLine.textContent = text;
  }

  async function load(fit) {
    const serial = ++requestSerial;
    statusLine.textContent = 'Loading… جارٍ التحميل';
    let result;
    try {
      result = await fetchJson('/map.json' + (query ? '?' + query : ''));
    } catch (err) {
      statusLine.textContent = 'Error · خطأ: ' + err.message;
      return;
    }
    await basemapReady;
    if (serial !== requestSerial) return;
    setPoints(result);
    if (fit) fitData();
    draw();
    showStatus(result);
    drawLegend(result);
    timeline.buckets = buildBuckets(result);
    drawTimeline();
    document.getElementById('all-events-link').setAttribute('href', '/events' + (query ? '?' + query : ''));
    loadList(false).catch((err) => { statusLine.textContent += ' · list: ' + err.message; });
    window.rasdMap.loads += 1;
  }

  window.rasdMap = {
    loads: 0,
    view: view,
    markers: () => currentClusters().map((c) => {
      const [x, y] = toScreen(c.x, c.y);
      return { x: x, y: y, count: c.count, ids: c.members.map((i) => data.points.id[i]) };
    }),
    timedRedraw: () => {
      const t0 = performance.now();
      data.clusters = null;
      draw();
      return performance.now() - t0;
    },
    timeline: () => timeline.buckets.map((b) => ({ start: isoDay(b.start), days: b.span, total: b.total })),
  };

  async function start() {
    resize();
    const modalityOf = (q) => new URLSearchParams(q).get('modality') || '';
    const pageModality = modalityOf(query);
    window.rasdFilters.init(form, (newQuery) => {
      if (modalityOf(newQuery) !== pageModality) {  // the filter panel's counts are per modality: draw it anew
        window.location.assign('/map' + (newQuery ? '?' + newQuery : ''));
        return;
      }
      query = newQuery;
      if (!embedded) window.history.replaceState(null, '', '/map' + (query ? '?' + query : ''));
      hidePopup();
      load(true);
    });
    basemapReady = fetchJson(frame.dataset.basemap).then(prepareBasemap).catch((err) => {
      statusLine.textContent = 'Basemap unavailable: ' + err.message;
    });
    await load(true);
    window.rasdReadyAt = performance.now();
    window.rasdReady = true;
  }

  start();
})();
