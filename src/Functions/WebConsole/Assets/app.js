// Governance web console: plain JS over the service's own API (no framework, no CDN). Chinese by default.
// The key is kept in sessionStorage only (gone when the tab closes) and sent as x-functions-key.
'use strict';

const T = {
  zh: {
    title: '社区治理流程控制台', skip: '跳到正文', lang: 'English', signout: '退出', signin: '登录', key: '访问密钥',
    signinHelp: '请输入管理员发给您的访问密钥。密钥只保存在本浏览器标签页中。', badKey: '密钥无效或已停用。',
    search: '检索', inbox: '待办', audit: '审计', process: '流程', street: '街道', community: '社区', year: '年度', status: '状态',
    overdue: '仅逾期', escalation: '督办级别至少', any: '全部', find: '检索', results: '检索结果', counts: '各状态数量',
    id: '编号', currentStep: '当前环节', created: '创建时间', none: '没有找到。', openSteps: '待办环节', step: '环节',
    due: '期限', level: '督办级别', provisional: '暂定', isOverdue: '已逾期', timeline: '流程记录', figures: '关键数据',
    links: '关联流程', parent: '上级流程', children: '下级流程', verify: '审计校验', verifyNow: '校验记录链',
    intact: '记录完整：共 {n} 条，哈希链与摘要一致。', broken: '发现问题：第 {seq} 条记录（{reason}）', submit: '提交',
    submitStep: '提交“{step}”', accepted: '已受理', refused: '被退回', trail: '审计记录', export: '导出审计记录（zip）',
    exported: '已导出 {n} 字节：{file}', seq: '序号', kind: '类型', actor: '操作人', time: '时间（北京时间）', hash: '哈希',
    auditOnly: '审计记录仅审计员与管理员可见。', loading: '加载中…', error: '出错了', role: '角色', open: '打开',
    instance: '流程实例', back: '返回检索', output: '结果', nothingOpen: '当前没有待办环节。', staffOnly: '提交需工作人员密钥。',
    Running: '进行中', Completed: '已完成', Failed: '失败', Terminated: '已终止', Suspended: '已暂停', Pending: '待启动', ContinuedAsNew: '已续期',
    round: '轮次', normal: '正常', staff: '工作人员', auditor: '审计员', admin: '管理员', yes: '是', no: '否', jsonHint: 'JSON 格式',
  },
  en: {
    title: 'Community governance console', skip: 'Skip to content', lang: '中文', signout: 'Sign out', signin: 'Sign in', key: 'Access key',
    signinHelp: 'Enter the access key you were given. It is kept in this browser tab only.', badKey: 'The key is not valid.',
    search: 'Search', inbox: 'Inbox', audit: 'Audit', process: 'Process', street: 'Street', community: 'Community', year: 'Year', status: 'Status',
    overdue: 'Overdue only', escalation: 'Escalation at least', any: 'Any', find: 'Search', results: 'Results', counts: 'Per status',
    id: 'Id', currentStep: 'Current step', created: 'Created', none: 'Nothing found.', openSteps: 'Open steps', step: 'Step',
    due: 'Due', level: 'Escalation', provisional: 'provisional', isOverdue: 'overdue', timeline: 'Timeline', figures: 'Key figures',
    links: 'Linked instances', parent: 'Parent', children: 'Started by this one', verify: 'Audit verification', verifyNow: 'Verify the chain',
    intact: 'Intact: {n} records; the hash chain and the digests agree.', broken: 'Problem at record {seq} ({reason})', submit: 'Submit',
    submitStep: 'Submit "{step}"', accepted: 'Accepted', refused: 'Refused', trail: 'Audit trail', export: 'Export audit trails (zip)',
    exported: 'Exported {n} bytes: {file}', seq: 'No.', kind: 'Kind', actor: 'Actor', time: 'Time (China)', hash: 'Hash',
    auditOnly: 'The audit trail is for auditors and admins.', loading: 'Loading…', error: 'Error', role: 'Role', open: 'Open',
    instance: 'Instance', back: 'Back to search', output: 'Result', nothingOpen: 'No open steps.', staffOnly: 'Submitting needs a staff key.',
    Running: 'Running', Completed: 'Completed', Failed: 'Failed', Terminated: 'Terminated', Suspended: 'Suspended', Pending: 'Pending', ContinuedAsNew: 'Continued',
    round: 'Round', normal: 'normal', staff: 'staff', auditor: 'auditor', admin: 'admin', yes: 'yes', no: 'no', jsonHint: 'JSON',
  },
};
const STATUSES = ['Running', 'Completed', 'Failed', 'Terminated', 'Suspended', 'Pending'];

const state = { lang: sessionStorage.getItem('lang') || 'zh', key: sessionStorage.getItem('key'), me: null, catalog: null };
const t = (k, args) => { let s = (T[state.lang][k] ?? k); for (const [a, v] of Object.entries(args || {})) s = s.replace('{' + a + '}', v); return s; };
const zh = () => state.lang === 'zh';
const main = document.getElementById('main');

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else if (k === 'text') e.textContent = v; else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

async function api(path, options = {}) {
  const headers = Object.assign({ 'x-functions-key': state.key || '' }, options.headers || {});
  const response = await fetch(path, Object.assign({}, options, { headers }));
  if (response.status === 401) { signOut(); throw new Error(t('badKey')); }
  return response;
}
async function json(path) {
  const r = await api(path);
  const body = await r.json().catch(() => null);
  if (!r.ok) throw new Error(problemText(body) || r.status);
  return body;
}
const problemText = p => p ? (zh() ? p.detailZh || p.detail : p.detail || p.detailZh) : '';

function signOut() { sessionStorage.removeItem('key'); state.key = null; state.me = null; location.hash = '#/signin'; }

function chrome() {
  document.documentElement.lang = zh() ? 'zh-CN' : 'en';
  document.title = t('title');
  document.getElementById('app-title').textContent = t('title');
  document.getElementById('skip').textContent = t('skip');
  document.getElementById('lang').textContent = t('lang');
  const out = document.getElementById('signout');
  out.textContent = t('signout'); out.hidden = !state.key;
  document.getElementById('who').textContent = state.me ? `${state.me.name}（${t(state.me.role)}）` : '';
  const nav = document.getElementById('nav');
  nav.setAttribute('aria-label', zh() ? '主导航' : 'Main');
  nav.replaceChildren();
  if (!state.me) return;
  const route = location.hash.split('?')[0];
  const links = [['#/search', t('search')]];
  if (state.me.role !== 'auditor') links.push(['#/inbox', t('inbox')]);
  for (const [href, label] of links) nav.append(el('a', { href, 'aria-current': route === href ? 'page' : null, text: label }));
}

async function ensureSignedIn() {
  if (!state.key) return false;
  if (!state.me) {
    const r = await api('/api/console/me');
    if (!r.ok) { signOut(); return false; }
    state.me = await r.json();
  }
  if (!state.catalog) state.catalog = await json('/api/workflows/catalog');
  return true;
}

const catalogByOrchestrator = name => (state.catalog || []).find(w => w.orchestratorName === name);
const processName = w => w ? (zh() ? w.displayNameZh : w.displayNameEn) : '';
const fmtTime = iso => iso ? new Date(iso).toLocaleString(zh() ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai', hour12: false }) : '';
function setView(title, ...nodes) { main.replaceChildren(el('h2', { id: 'view-title', text: title }), ...nodes); main.focus(); }

// ---- sign in ---------------------------------------------------------------------------------------------------
function viewSignIn() {
  const message = el('p', { id: 'signin-message', role: 'alert', class: 'bad' });
  const input = el('input', { id: 'key', type: 'password', autocomplete: 'current-password', required: true });
  const form = el('form', { id: 'signin-form', onsubmit: async ev => {
    ev.preventDefault();
    state.key = input.value.trim(); state.me = null;
    try {
      const r = await api('/api/console/me');
      if (!r.ok) throw new Error();
      state.me = await r.json();
      sessionStorage.setItem('key', state.key);
      location.hash = state.me.role === 'staff' ? '#/inbox' : '#/search';
    } catch { state.key = null; message.textContent = t('badKey'); }
  } }, el('p', { text: t('signinHelp') }), el('label', { for: 'key' }, t('key'), input), el('p', {}, el('button', { type: 'submit', id: 'signin-submit', text: t('signin') })), message);
  setView(t('signin'), form);
  input.focus();
}

// ---- search ----------------------------------------------------------------------------------------------------
function field(id, label, control) { control.id = id; return el('label', { for: id }, label, control); }

async function viewSearch(params) {
  const processSelect = el('select', {}, el('option', { value: '', text: t('any') }), (state.catalog || []).map(w => el('option', { value: w.name, selected: params.get('name') === w.name, text: processName(w) })));
  const statusSelect = el('select', {}, el('option', { value: '', text: t('any') }), STATUSES.map(s => el('option', { value: s, selected: params.get('status') === s, text: t(s) })));
  const levelSelect = el('select', {}, el('option', { value: '', text: t('any') }), [1, 2, 3].map(l => el('option', { value: l, selected: params.get('escalation') === String(l), text: String(l) })));
  const inputs = {
    street: el('input', { value: params.get('street') || '' }), community: el('input', { value: params.get('community') || '' }),
    year: el('input', { inputmode: 'numeric', value: params.get('year') || '' }),
    overdue: el('input', { type: 'checkbox', checked: params.get('overdue') === 'true' }),
  };
  const form = el('form', { class: 'grid', id: 'search-form', role: 'search', onsubmit: ev => {
    ev.preventDefault();
    const q = new URLSearchParams();
    if (processSelect.value) q.set('name', processSelect.value);
    for (const k of ['street', 'community', 'year']) if (inputs[k].value.trim()) q.set(k, inputs[k].value.trim());
    if (statusSelect.value) q.set('status', statusSelect.value);
    if (inputs.overdue.checked) q.set('overdue', 'true');
    if (levelSelect.value) q.set('escalation', levelSelect.value);
    location.hash = '#/search?' + q.toString();
  } },
    field('f-process', t('process'), processSelect), field('f-street', t('street'), inputs.street), field('f-community', t('community'), inputs.community),
    field('f-year', t('year'), inputs.year), field('f-status', t('status'), statusSelect), field('f-escalation', t('escalation'), levelSelect),
    el('label', { class: 'check', for: 'f-overdue' }, (inputs.overdue.id = 'f-overdue', inputs.overdue), t('overdue')),
    el('button', { type: 'submit', id: 'search-submit', text: t('find') }));

  const tags = new URLSearchParams();
  if (params.get('name')) tags.set('name', params.get('name'));
  for (const k of ['street', 'community', 'year']) if (params.get(k)) tags.set('tag.' + k, params.get(k));
  const countsList = el('ul', { class: 'counts', id: 'counts', 'aria-label': t('counts') });
  const results = el('div', { id: 'results', 'aria-live': 'polite' }, t('loading'));
  const extra = [];
  if (state.me.role !== 'staff') {
    const status = el('p', { id: 'export-status', role: 'status' });
    extra.push(el('p', {}, el('button', { type: 'button', class: 'secondary', id: 'export-btn', onclick: () => exportTrails(params, status), text: t('export') })), status);
  }
  setView(t('search'), form, el('h3', { text: t('counts') }), countsList, ...extra, el('h3', { text: t('results') }), results);

  try {
    const counts = await json('/api/console/counts?' + tags.toString());
    countsList.replaceChildren(...STATUSES.filter(s => counts[s]).map(s => el('li', { 'data-status': s }, `${t(s)} ${counts[s]}`)));
    const q = new URLSearchParams(tags); q.set('top', '100');
    if (params.get('status')) q.set('status', params.get('status'));
    // Overdue and escalation are properties of the open steps; the service filters on them.
    if (params.get('overdue')) q.set('overdue', 'true');
    if (params.get('escalation')) q.set('escalation', params.get('escalation'));
    const items = (await json('/api/workflows?' + q.toString())).items;
    results.replaceChildren(items.length === 0 ? el('p', { text: t('none') }) : el('table', { class: 'responsive' },
      el('thead', {}, el('tr', {}, [t('id'), t('process'), t('community'), t('year'), t('status'), t('currentStep'), t('created')].map(h => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, items.map(i => el('tr', {},
        el('td', { 'data-label': t('id') }, el('a', { class: 'instance-link', href: '#/instance/' + encodeURIComponent(i.instanceId), text: i.instanceId })),
        el('td', { 'data-label': t('process'), text: zh() ? i.displayNameZh : i.displayNameEn }),
        el('td', { 'data-label': t('community'), text: i.tags.community || i.tags.street || '' }),
        el('td', { 'data-label': t('year'), text: i.tags.year || '' }),
        el('td', { 'data-label': t('status'), text: t(i.runtimeStatus) }),
        el('td', { 'data-label': t('currentStep'), text: (zh() ? i.currentStepZh : i.currentStepEn) || '' }),
        el('td', { 'data-label': t('created'), text: fmtTime(i.createdTime) }))))));
  } catch (e) { results.replaceChildren(el('p', { role: 'alert', class: 'bad', text: `${t('error')}: ${e.message}` })); }
}

async function exportTrails(params, status) {
  const q = new URLSearchParams();
  if (params.get('name')) q.set('process', params.get('name'));
  for (const k of ['street', 'community', 'year']) if (params.get(k)) q.set(k, params.get(k));
  status.textContent = t('loading');
  const r = await api('/api/audit/export?' + q.toString());
  if (!r.ok) { status.textContent = problemText(await r.json().catch(() => null)) || r.status; return; }
  const blob = await r.blob();
  const file = (r.headers.get('content-disposition') || '').match(/filename=([^;]+)/)?.[1]?.replace(/"/g, '') || 'audit-export.zip';
  const a = el('a', { href: URL.createObjectURL(blob), download: file });
  document.body.append(a); a.click(); a.remove();
  status.textContent = t('exported', { n: blob.size, file });
}

// ---- inbox -----------------------------------------------------------------------------------------------------
async function viewInbox() {
  const box = el('div', { id: 'inbox', 'aria-live': 'polite' }, t('loading'));
  setView(t('inbox'), box);
  try {
    const items = await json('/api/tasks?top=200');
    box.replaceChildren(items.length === 0 ? el('p', { text: t('none') }) : stepsTable(items, true));
  } catch (e) { box.replaceChildren(el('p', { role: 'alert', class: 'bad', text: e.message })); }
}

function dueText(s) {
  return [s.dueDate || '', s.provisional ? el('span', { class: 'badge provisional', title: zh() ? s.provisional.noteZh : s.provisional.note, text: t('provisional') }) : null,
    s.overdue ? el('span', { class: 'badge overdue', text: t('isOverdue') }) : null];
}

function stepsTable(steps, withInstance) {
  return el('table', { class: 'responsive' },
    el('thead', {}, el('tr', {}, [withInstance ? t('instance') : null, t('step'), t('due'), t('level')].filter(Boolean).map(h => el('th', { scope: 'col', text: h })))),
    el('tbody', {}, steps.map(s => el('tr', { 'data-event': s.eventName },
      withInstance ? el('td', { 'data-label': t('instance') }, el('a', { class: 'instance-link', href: '#/instance/' + encodeURIComponent(s.instanceId), text: `${s.community || s.street || ''} ${s.instanceId}` })) : null,
      el('td', { 'data-label': t('step'), text: (zh() ? s.stepZh : s.stepEn) || s.eventName }),
      el('td', { 'data-label': t('due') }, dueText(s)),
      el('td', { 'data-label': t('level'), class: s.escalationLevel > 0 ? 'warn' : null, text: s.escalationLevel > 0 ? `${s.escalationLevel} ${s.escalationLevelName || ''}` : t('normal') })))));
}

// ---- instance --------------------------------------------------------------------------------------------------
async function viewInstance(id) {
  setView(`${t('instance')} ${id}`, el('p', { text: t('loading') }));
  let detail;
  try { detail = await json('/api/workflows/' + encodeURIComponent(id)); } catch (e) { setView(`${t('instance')} ${id}`, el('p', { role: 'alert', class: 'bad', text: e.message })); return; }
  const w = catalogByOrchestrator(detail.orchestratorName);
  const summary = el('dl', { class: 'figures', id: 'summary' },
    el('dt', { text: t('process') }), el('dd', { text: zh() ? detail.displayNameZh : detail.displayNameEn }),
    el('dt', { text: t('status') }), el('dd', { id: 'status', text: t(detail.runtimeStatus) }),
    el('dt', { text: t('currentStep') }), el('dd', { id: 'current-step', text: (zh() ? detail.currentStepZh : detail.currentStepEn) || '' }),
    Object.entries(detail.tags || {}).map(([k, v]) => [el('dt', { text: t(k) }), el('dd', { text: v })]));
  const open = el('section', { id: 'open-steps', 'aria-labelledby': 'h-open' }, el('h3', { id: 'h-open', text: t('openSteps') }),
    detail.waitingFor.length === 0 ? el('p', { text: t('nothingOpen') }) : stepsTable(detail.waitingFor, false));
  const forms = el('section', { id: 'step-forms' });
  if (detail.waitingFor.length > 0 && w) {
    if (state.me.role === 'auditor') forms.append(el('p', { class: 'muted', text: t('staffOnly') }));
    else for (const s of detail.waitingFor) { const ev = w.events.find(e => e.name === s.eventName); if (ev) forms.append(stepForm(id, ev, s)); }
  }
  const figures = el('section', { id: 'figures', 'aria-labelledby': 'h-fig' }, el('h3', { id: 'h-fig', text: t('figures') }), figureList(detail.input), detail.output != null ? [el('h4', { text: t('output') }), figureList(detail.output)] : null);
  const timeline = el('section', { 'aria-labelledby': 'h-tl' }, el('h3', { id: 'h-tl', text: t('timeline') }), el('ol', { class: 'timeline', id: 'timeline' }, t('loading')));
  const links = el('section', { id: 'links', 'aria-labelledby': 'h-links' }, el('h3', { id: 'h-links', text: t('links') }));
  const verify = el('section', { 'aria-labelledby': 'h-verify' }, el('h3', { id: 'h-verify', text: t('verify') }), el('p', { id: 'verify', role: 'status', text: t('loading') }));
  const trail = el('section', { id: 'trail-section', 'aria-labelledby': 'h-trail' }, el('h3', { id: 'h-trail', text: t('trail') }));
  setView(`${processName(w) || detail.orchestratorName} · ${id}`, el('p', {}, el('a', { href: '#/search', text: t('back') })), summary, open, forms, timeline, figures, links, verify, trail);

  refreshTimeline(id);
  json(`/api/console/instances/${encodeURIComponent(id)}/links`).then(l => {
    const item = x => el('li', {}, el('a', { class: 'instance-link', href: '#/instance/' + encodeURIComponent(x.instanceId), text: `${(zh() ? x.displayNameZh : x.displayNameEn) || x.orchestratorName} ${x.instanceId}` }));
    links.append(...[l.parent ? el('p', {}, t('parent') + '：', el('a', { class: 'instance-link', href: '#/instance/' + encodeURIComponent(l.parent.instanceId), text: l.parent.instanceId })) : null,
      l.children.length ? el('p', { text: t('children') }) : null, l.children.length ? el('ul', {}, l.children.map(item)) : null,
      !l.parent && !l.children.length ? el('p', { class: 'muted', text: t('none') }) : null].filter(Boolean));
  }).catch(() => {});
  runVerify(id);
  if (state.me.role === 'staff') trail.append(el('p', { class: 'muted', text: t('auditOnly') }));
  else {
    trail.append(el('p', {}, el('button', { type: 'button', id: 'verify-btn', class: 'secondary', onclick: () => runVerify(id), text: t('verifyNow') })));
    loadTrail(id, trail);
  }
}

function refreshTimeline(id) {
  return json(`/api/workflows/${encodeURIComponent(id)}/history`).then(lines => {
    document.getElementById('timeline')?.replaceChildren(...lines.map(l => el('li', {}, zh() ? l.line : l.lineEn)));
  }).catch(e => { document.getElementById('timeline')?.replaceChildren(el('li', { class: 'bad', text: e.message })); });
}

async function runVerify(id) {
  const p = document.getElementById('verify');
  p.textContent = t('loading');
  try {
    const r = await api(`/api/audit/${encodeURIComponent(id)}/verify`);
    if (!r.ok) { p.textContent = problemText(await r.json().catch(() => null)); return; }
    const v = await r.json();
    p.className = v.intact ? 'ok' : 'bad';
    p.textContent = v.intact ? t('intact', { n: v.recordCount }) : `${t('broken', { seq: v.firstMismatch.sequence, reason: v.firstMismatch.reason })}: ${zh() ? v.firstMismatch.detailZh : v.firstMismatch.detail}`;
  } catch (e) { p.textContent = e.message; }
}

async function loadTrail(id, section) {
  try {
    const trail = await json(`/api/audit/${encodeURIComponent(id)}`);
    section.append(el('table', { id: 'trail', class: 'responsive' },
      el('thead', {}, el('tr', {}, [t('seq'), t('time'), t('actor'), t('kind'), t('figures'), t('hash')].map(h => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, trail.records.map(r => el('tr', {},
        el('td', { 'data-label': t('seq'), text: r.sequence }), el('td', { 'data-label': t('time'), text: r.atChina }),
        el('td', { 'data-label': t('actor'), text: r.actor }), el('td', { 'data-label': t('kind') }, el('code', { text: r.kind })),
        el('td', { 'data-label': t('figures') }, Object.entries(r.figures).filter(([k]) => !k.endsWith('Sha256')).map(([k, v]) => el('div', {}, `${k}: ${v}`))),
        el('td', { 'data-label': t('hash'), class: 'hash', title: r.hash, text: r.hash.slice(0, 16) + '…' }))))));
  } catch (e) { section.append(el('p', { class: 'bad', text: e.message })); }
}

function figureList(value) {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object') return el('p', { text: String(value) });
  const entries = Object.entries(value).filter(([, v]) => v === null || typeof v !== 'object' || (Array.isArray(v) && v.every(x => typeof x !== 'object')));
  return el('dl', { class: 'figures' }, entries.map(([k, v]) => [el('dt', { text: k }), el('dd', { text: Array.isArray(v) ? v.join('、') : v === true ? t('yes') : v === false ? t('no') : String(v ?? '') })]));
}

// ---- a form generated from the step's JSON schema ------------------------------------------------------------------
const typesOf = s => [].concat(s?.type ?? []).filter(x => x !== 'null');
function stepForm(id, ev, step) {
  const schema = ev.payloadSchema || {};
  const required = new Set(schema.required || []);
  const outcome = el('div', { class: 'outcome-box', 'aria-live': 'polite', id: 'outcome-' + ev.name });
  const controls = [];
  const fieldset = el('fieldset', {}, el('legend', { text: t('submitStep', { step: zh() ? ev.displayNameZh : ev.displayNameEn }) }));
  for (const [name, prop] of Object.entries(schema.properties || {})) {
    const types = typesOf(prop), fid = `in-${ev.name}-${name}`;
    let control, read;
    if (prop.enum) {
      control = el('select', { id: fid }, required.has(name) ? null : el('option', { value: '', text: '' }), prop.enum.filter(v => v !== null).map(v => el('option', { value: v, text: v })));
      read = () => control.value === '' ? undefined : control.value;
    } else if (types[0] === 'boolean') {
      control = el('input', { id: fid, type: 'checkbox' });
      read = () => control.checked;
    } else if (types[0] === 'integer' || types[0] === 'number') {
      control = el('input', { id: fid, type: 'number', step: types[0] === 'integer' ? '1' : 'any', required: required.has(name) && !typesOf(prop).includes('null') });
      read = () => control.value === '' ? undefined : Number(control.value);
    } else if (types[0] === 'array' && prop.items && ['string', 'integer', 'number'].includes(typesOf(prop.items)[0]) && !prop.items.properties) {
      control = el('input', { id: fid, placeholder: zh() ? '多项用逗号分隔' : 'comma-separated' });
      read = () => control.value.trim() === '' ? undefined : control.value.split(/[,，、]/).map(x => x.trim()).filter(Boolean).map(x => typesOf(prop.items)[0] === 'string' ? x : Number(x));
    } else if (types[0] === 'string') {
      const long = (prop.maxLength ?? 4000) > 200;
      control = long ? el('textarea', { id: fid, maxlength: prop.maxLength }) : el('input', { id: fid, maxlength: prop.maxLength, type: prop.format === 'date' ? 'date' : 'text' });
      read = () => control.value === '' ? (required.has(name) ? '' : undefined) : control.value;
    } else {
      control = el('textarea', { id: fid, placeholder: t('jsonHint') });
      read = () => control.value.trim() === '' ? undefined : JSON.parse(control.value);
    }
    controls.push([name, read]);
    const caption = (prop.description ? `${prop.description} (${name})` : name) + (required.has(name) && types[0] !== 'boolean' ? ' *' : '');
    fieldset.append(el('label', { for: fid, class: types[0] === 'boolean' ? 'check' : null }, types[0] === 'boolean' ? [control, caption] : [caption, control]));
  }
  const form = el('form', { class: 'step-form', 'data-event': ev.name, onsubmit: async e => {
    e.preventDefault();
    const body = {};
    try { for (const [name, read] of controls) { const v = read(); if (v !== undefined) body[name] = v; } } catch (err) { outcome.replaceChildren(el('p', { class: 'outcome bad', role: 'alert', text: err.message })); return; }
    const q = step.stepToken ? '?stepToken=' + encodeURIComponent(step.stepToken) : '';
    const r = await api(`/api/workflows/${encodeURIComponent(id)}/events/${encodeURIComponent(ev.name)}${q}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answer = await r.json().catch(() => null);
    refreshTimeline(id); // refusals are on the record too
    if (r.ok) {
      outcome.replaceChildren(el('p', { class: 'outcome ok', role: 'status' }, `${t('accepted')}：${(zh() ? answer?.summaryZh : answer?.summary) || ''}`));
    } else {
      outcome.replaceChildren(el('p', { class: 'outcome bad', role: 'alert' }, `${t('refused')}：${problemText(answer)}${answer?.field ? `（${answer.field}）` : ''}`));
    }
  } }, fieldset, el('button', { type: 'submit', class: 'step-submit', text: t('submit') }), outcome);
  return form;
}

// ---- routing ---------------------------------------------------------------------------------------------------
async function route() {
  const [path, query] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query || '');
  try {
    if (path !== '/signin' && !(await ensureSignedIn())) { location.hash = '#/signin'; return; }
  } catch (e) { chrome(); setView(t('error'), el('p', { role: 'alert', text: e.message })); return; }
  chrome();
  if (path === '/signin' || !state.key) return viewSignIn();
  if (path.startsWith('/instance/')) return viewInstance(decodeURIComponent(path.slice('/instance/'.length)));
  if (path === '/inbox') return viewInbox();
  return viewSearch(params);
}

document.getElementById('lang').addEventListener('click', () => { state.lang = zh() ? 'en' : 'zh'; sessionStorage.setItem('lang', state.lang); route(); });
document.getElementById('signout').addEventListener('click', signOut);
window.addEventListener('hashchange', route);
route();
