// Building DOM from API data. Text always goes in as text nodes: nothing the API says is parsed
// as HTML, except search snippets, which are checked to hold only text and <mark> (see snippet).

/** An element: h("a", { href: "#/" }, "text", child, [more children]). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "class") el.className = value;
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

const DATE = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});

/** A <time> for an RFC 3339 timestamp, shown in UTC. */
export function time(stamp) {
  if (!stamp) return h("span", { class: "muted" }, "—");
  const date = new Date(stamp);
  if (Number.isNaN(date.getTime())) return h("span", {}, stamp);
  return h("time", { datetime: stamp }, `${DATE.format(date)} UTC`);
}

export function plural(n, one, many = `${one}s`) {
  return `${n.toLocaleString("en")} ${n === 1 ? one : many}`;
}

export const links = {
  article: (id) => `#/articles/${id}`,
  comment: (id) => `#/comments/${id}`,
  author: (name) => `#/authors/${encodeURIComponent(name)}`,
  speaker: (name) => `#/quotes?speaker=${encodeURIComponent(name)}`,
  search: (q, type = "comment") =>
    `#/search?q=${encodeURIComponent(q)}${type === "comment" ? "" : `&type=${type}`}`,
};

/**
 * `text` with its quotes and links marked up. Offsets are Unicode code points, as the API
 * counts them; spans that overlap an earlier one (nested quotes) are left to their outer span.
 */
export function richText(text, quotes = [], found = []) {
  const chars = Array.from(text);
  const spans = [
    ...quotes.filter((q) => !q.nested).map((q) => ({ ...q, type: "quote" })),
    ...found.map((l) => ({ ...l, type: "link" })),
  ]
    .filter((s) => Number.isInteger(s.start) && Number.isInteger(s.end) && s.start < s.end)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const out = [];
  let at = 0;
  for (const span of spans) {
    if (span.start < at || span.end > chars.length) continue;
    out.push(chars.slice(at, span.start).join(""));
    const inner = chars.slice(span.start, span.end).join("");
    out.push(span.type === "quote" ? quote(inner, span) : link(inner, span.url));
    at = span.end;
  }
  out.push(chars.slice(at).join(""));
  return out;
}

function quote(inner, q) {
  const kind = ["speech", "title", "scare"].includes(q.kind) ? q.kind : "other";
  const parts = [h("mark", { class: `quote ${kind}` }, inner)];
  if (q.speaker) {
    parts.push(
      h(
        "a",
        { class: "speaker", href: links.speaker(q.speaker), title: q.cue || undefined },
        q.speaker,
      ),
    );
  }
  return h("span", { class: "quoted" }, parts);
}

function link(inner, url) {
  if (!/^https?:\/\//i.test(url || "")) return inner;
  return h("a", { href: url, rel: "nofollow noopener noreferrer", class: "external" }, inner);
}

/**
 * A search snippet: the API's excerpt, HTML-escaped with matches in <mark>. It is parsed in an
 * inert <template> and used only if it holds nothing but text and <mark> without attributes;
 * otherwise the plain `text` is shown.
 */
export function snippet(hit) {
  const template = document.createElement("template");
  template.innerHTML = typeof hit.snippet === "string" ? hit.snippet : "";
  const safe = Array.from(template.content.childNodes).every(
    (node) =>
      node.nodeType === Node.TEXT_NODE ||
      (node.nodeName === "MARK" &&
        node.attributes.length === 0 &&
        Array.from(node.childNodes).every((c) => c.nodeType === Node.TEXT_NODE)),
  );
  return safe ? template.content : document.createTextNode(hit.text ?? "");
}

export function problem(error) {
  const status = error?.status ? ` (${error.status})` : "";
  return h("p", { class: "error", role: "alert" }, `Could not load this${status}: ${error.message}`);
}
