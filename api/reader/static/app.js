// The reader: hash routes (#/articles/1, #/comments/11, #/search?q=…) mapped onto views.
import * as views from "./views.js";

const ROUTES = [
  [/^\/$/, views.home, () => ({})],
  [/^\/articles\/(\d+)$/, views.article, (m) => ({ id: m[1] })],
  [/^\/comments\/(\d+)$/, views.comment, (m) => ({ id: m[1] })],
  [/^\/search$/, views.search, (_m, query) => ({ q: query.get("q") ?? "", type: query.get("type") ?? "comment" })],
  [/^\/authors\/(.+)$/, views.author, (m) => ({ name: decodeURIComponent(m[1]) })],
  [/^\/speakers$/, views.speakers, () => ({})],
  [/^\/quotes$/, views.quotes, (_m, query) => ({ speaker: query.get("speaker") ?? "" })],
];

const main = document.getElementById("main");
let shown = 0; // the latest navigation; an older one that finishes late is dropped

async function route() {
  const hash = location.hash || "#/";
  if (!hash.startsWith("#/")) return; // an in-page anchor, not a route
  const [path, search = ""] = hash.slice(1).split("?", 2);
  const query = new URLSearchParams(search);
  const ticket = ++shown;
  for (const [pattern, view, values] of ROUTES) {
    const match = pattern.exec(path);
    if (!match) continue;
    main.setAttribute("aria-busy", "true");
    try {
      const title = await view(main, values(match, query));
      if (ticket !== shown) return;
      document.title = `${title} · Threadbase`;
    } catch (error) {
      if (ticket !== shown) return;
      main.replaceChildren(views.problem(error));
      document.title = "Not found · Threadbase";
    } finally {
      main.removeAttribute("aria-busy");
    }
    main.querySelector("h1")?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
    return;
  }
  main.replaceChildren(views.problem(new Error(`no page at ${path}`)));
}

document.getElementById("search-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const q = new FormData(event.target).get("q").trim();
  if (q) location.hash = `#/search?q=${encodeURIComponent(q)}`;
});

document.querySelector(".skip").addEventListener("click", (event) => {
  event.preventDefault();
  main.focus();
});

// A search sent before this module ran arrives as /?q=…: show it as the search page.
const early = new URLSearchParams(location.search).get("q");
if (early && !location.hash) history.replaceState(null, "", `/#/search?q=${encodeURIComponent(early)}`);

window.addEventListener("hashchange", route);
route();
