// One function per page of the reader. Each gets the <main> element and the route's values,
// fills it from the API, and returns the page title.
import { api } from "./api.js";
import { h, links, plural, problem, richText, snippet, time } from "./dom.js";
import { byline, commentBody, nodeList } from "./thread.js";

/** A "More" button that appends the next page of a list while the API gives a cursor. */
function pager(list, next, load, renderItem) {
  if (!next) return null;
  const button = h("button", { type: "button", class: "next" }, "More");
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const page = await load(next);
      const items = page.items.map(renderItem);
      list.append(...items);
      button.replaceWith(pager(list, page.next_cursor, load, renderItem) ?? "");
      items[0]?.querySelector("a")?.focus();
    } catch (error) {
      button.disabled = false;
      button.after(problem(error));
    }
  });
  return button;
}

/** Replace what `main` shows; null children (an absent pager) are skipped. */
function show(main, ...children) {
  main.replaceChildren(...children.filter((child) => child !== null && child !== undefined));
}

function heading(text, ...rest) {
  return h("h1", { tabindex: "-1" }, text, ...rest);
}

// --- the article list -------------------------------------------------------------------------

function articleItem(a) {
  const c = a.counts ?? {};
  return h(
    "li",
    { class: "card" },
    h("h2", {}, h("a", { href: links.article(a.id) }, a.title)),
    h(
      "p",
      { class: "counts" },
      [
        plural(c.comments ?? 0, "comment"),
        plural(c.commenters ?? 0, "commenter"),
        plural(c.quotes ?? 0, "quote"),
        plural(c.sections ?? 0, "section"),
      ].join(" · "),
    ),
    h(
      "p",
      { class: "dates muted" },
      a.published_at ? ["published ", time(a.published_at), " · "] : null,
      a.first_comment_at
        ? ["comments ", time(a.first_comment_at), " to ", time(a.last_comment_at), " · "]
        : null,
      "ingested ",
      time(a.ingested_at),
    ),
  );
}

export async function home(main) {
  const page = await api.articles();
  const list = h("ol", { class: "cards" }, page.items.map(articleItem));
  show(main, 
    heading("Articles"),
    page.items.length ? list : h("p", {}, "No articles yet: ingest some with `threadbase ingest`."),
    pager(list, page.next_cursor, api.articles, articleItem),
  );
  return "Articles";
}

// --- one article and its thread ---------------------------------------------------------------

function paragraph(p) {
  const text = richText(p.text ?? "", p.quotes ?? [], p.links ?? []);
  if (p.kind === "caption") return h("figure", {}, h("figcaption", {}, text));
  if (p.kind === "list") return h("p", { class: "list-item" }, text);
  return h("p", {}, text);
}

export async function article(main, { id }) {
  const threadPromise = api.thread(id); // starts now; the article paints without waiting
  const a = await api.article(id);
  const c = a.counts ?? {};
  const threadBox = h(
    "section",
    { class: "thread", "aria-labelledby": "thread-title" },
    h("h2", { id: "thread-title" }, plural(c.comments ?? 0, "comment")),
    h("p", { class: "status" }, "Loading the comments…"),
  );
  show(main, 
    h(
      "article",
      { class: "text" },
      heading(a.title),
      h(
        "p",
        { class: "muted" },
        a.byline ? [a.byline, " · "] : null,
        a.published_at ? ["published ", time(a.published_at), " · "] : null,
        "ingested ",
        time(a.ingested_at),
        a.url ? [" · ", h("a", { href: a.url, rel: "nofollow noopener noreferrer" }, "source")] : null,
      ),
      (a.sections ?? []).map((s) =>
        h("section", { class: "section", "data-position": s.position }, s.paragraphs.map(paragraph)),
      ),
    ),
    threadBox,
  );
  document.title = `${a.title} · Threadbase`;
  threadPromise.then(
    (thread) => {
      const nodes = thread.nodes ?? [];
      threadBox.querySelector(".status").replaceWith(
        nodes.length ? nodeList(nodes) : h("p", { class: "muted" }, "No comments."),
      );
    },
    (error) => threadBox.querySelector(".status").replaceWith(problem(error)),
  );
  return a.title;
}

// --- a comment with its context (the permalink) -----------------------------------------------

function contextComment(c, cls) {
  return h("article", { class: `comment ${cls}`, id: `c${c.id}` }, byline(c), commentBody(c));
}

export async function comment(main, { id }) {
  const repliesPromise = api.replies(id);
  const ctx = await api.context(id);
  const c = ctx.comment;
  const a = await api.article(c.article_id).catch(() => null);
  const chain = h("ol", { class: "context" });
  if (ctx.more_ancestors) chain.append(h("li", { class: "muted" }, "… earlier comments"));
  if (ctx.missing_parent) {
    chain.append(
      h(
        "li",
        { class: "missing" },
        h(
          "p",
          { class: "missing-head" },
          "In reply to ",
          h("strong", {}, ctx.missing_parent.parent_author),
          ", whose comment is not on the page",
        ),
      ),
    );
  }
  for (const ancestor of ctx.ancestors ?? []) chain.append(h("li", {}, contextComment(ancestor, "ancestor")));
  const target = contextComment(c, "target");
  target.setAttribute("aria-current", "true");
  chain.append(h("li", {}, target));
  const replies = h("section", { class: "thread" }, h("h2", {}, "Replies"), h("p", { class: "status" }, "Loading…"));
  show(main, 
    heading(`Comment by ${c.author}`),
    h(
      "p",
      { class: "muted" },
      "on ",
      h("a", { href: links.article(c.article_id) }, a ? a.title : `article ${c.article_id}`),
    ),
    chain,
    c.reply_count ? replies : null,
  );
  if (c.reply_count) {
    repliesPromise.then(
      (thread) => replies.querySelector(".status").replaceWith(nodeList(thread.nodes ?? [])),
      (error) => replies.querySelector(".status").replaceWith(problem(error)),
    );
  }
  return `Comment by ${c.author}`;
}

// --- search -----------------------------------------------------------------------------------

function hitItem(hit) {
  let where;
  if (hit.type === "comment") {
    where = ["Comment by ", h("a", { href: links.comment(hit.comment_id) }, hit.author), " · ", time(hit.posted_at)];
  } else if (hit.type === "article") {
    where = ["Article ", h("a", { href: links.article(hit.article_id) }, hit.title)];
  } else if (hit.type === "quote") {
    const href = hit.comment_id ? links.comment(hit.comment_id) : links.article(hit.article_id);
    where = [
      "Quote",
      hit.speaker ? [" by ", h("a", { href: links.speaker(hit.speaker) }, hit.speaker)] : null,
      " · ",
      h("a", { href }, hit.comment_id ? "in a comment" : "in the article"),
    ];
  } else {
    where = [hit.type ?? "hit"];
  }
  return h("li", { class: `hit ${hit.type}` }, h("p", { class: "where" }, where), h("p", { class: "snippet" }, snippet(hit)));
}

const SEARCH_TYPES = [
  ["comment", "Comments"],
  ["article", "Articles"],
  ["quote", "Quotes"],
];

export async function search(main, { q, type }) {
  const input = document.getElementById("q");
  if (input && input.value !== q) input.value = q;
  if (!q) {
    show(main, heading("Search"), h("p", {}, "Type words in the search box."));
    return "Search";
  }
  const kind = SEARCH_TYPES.some(([value]) => value === type) ? type : "comment";
  const page = await api.search(q, kind);
  const list = h("ol", { class: "hits" }, page.items.map(hitItem));
  const tabs = h(
    "nav",
    { class: "tabs", "aria-label": "What to search" },
    SEARCH_TYPES.map(([value, label]) =>
      h("a", { href: links.search(q, value), "aria-current": value === kind ? "page" : null }, label),
    ),
  );
  show(
    main,
    heading("Search: ", h("q", {}, q)),
    tabs,
    page.items.length ? list : h("p", {}, "Nothing matches."),
    pager(list, page.next_cursor, (cursor) => api.search(q, kind, cursor), hitItem),
  );
  return `Search: ${q}`;
}

// --- people -----------------------------------------------------------------------------------

function authoredItem(c) {
  return h("li", { class: "comment" }, byline(c), commentBody(c), h("p", { class: "muted" }, h("a", { href: links.article(c.article_id) }, "in its article")));
}

export async function author(main, { name }) {
  const page = await api.authorComments(name);
  const list = h("ol", { class: "plain" }, page.items.map(authoredItem));
  show(main, 
    heading("Comments by ", name),
    list,
    pager(list, page.next_cursor, (cursor) => api.authorComments(name, cursor), authoredItem),
  );
  return `Comments by ${name}`;
}

function speakerItem(s) {
  return h(
    "li",
    {},
    h("a", { href: links.speaker(s.name) }, s.name),
    " ",
    h("span", { class: "muted" }, `${plural(s.quotes ?? 0, "quote")} in ${plural(s.articles ?? 0, "article")}`),
    s.aliases?.length > 1 ? h("span", { class: "muted aliases" }, ` — also “${s.aliases.filter((x) => x !== s.name).join("”, “")}”`) : null,
  );
}

export async function speakers(main) {
  const page = await api.speakers();
  const list = h("ul", { class: "plain speakers" }, page.items.map(speakerItem));
  show(main, heading("People quoted"), list, pager(list, page.next_cursor, api.speakers, speakerItem));
  return "People quoted";
}

function quoteItem(q) {
  const href = q.comment_id ? links.comment(q.comment_id) : links.article(q.article_id);
  return h(
    "li",
    { class: "quote-item" },
    h("blockquote", {}, h("mark", { class: `quote ${q.kind}` }, q.text)),
    h("p", { class: "muted" }, q.cue ? [h("span", { class: "cue" }, q.cue), " · "] : null, h("a", { href }, q.comment_id ? "in a comment" : "in the article")),
  );
}

export async function quotes(main, { speaker }) {
  const page = await api.quotes(speaker);
  const list = h("ol", { class: "plain" }, page.items.map(quoteItem));
  show(main, 
    heading("Quotes by ", speaker),
    page.items.length ? list : h("p", {}, "No quotes."),
    pager(list, page.next_cursor, (cursor) => api.quotes(speaker, cursor), quoteItem),
  );
  return `Quotes by ${speaker}`;
}

export { problem };
