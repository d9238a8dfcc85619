/* Site search over the sharded index in search/ (built by sitegen/search_index.py).
 *
 * Loaded only when a reader opens the search box. A query is split like the index: Chinese
 * runs into characters and character pairs, Latin runs into whole words. Only the shards that
 * hold those tokens are fetched; their interview lists are intersected and ranked, and the text
 * of the best candidates is fetched one interview at a time, so the first result shows after
 * a few small requests. A section is shown only when it contains every term as a phrase: a
 * search for 智能体 does not return sections that merely say 人工智能.
 */
(function () {
  "use strict";

  var CJK = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff";
  var CJK_RUN = new RegExp("[" + CJK + "]+", "g");
  var IS_CJK = new RegExp("[" + CJK + "]");
  var DOCS_FIRST_BATCH = 1;
  var DOCS_BATCH = 4;
  var DOCS_LIMIT = 20;
  var SECTIONS_PER_DOC = 6;

  var root = document.getElementById("site-search");
  var input = document.getElementById("site-search-input");
  var metaLine = document.getElementById("site-search-meta");
  var list = document.getElementById("site-search-list");
  var also = document.getElementById("site-search-also");
  var text = root.dataset;
  var base = new URL(root.dataset.base, window.location.href);
  var cache = {};
  var current = 0;

  function load(path) {
    var offline = window.__SITE_SEARCH__;
    if (offline) {
      return Promise.resolve(offline[path]);
    }
    if (!cache[path]) {
      cache[path] = fetch(new URL("search/" + path, base)).then(function (response) {
        if (!response.ok) {
          throw new Error("search index: " + path + " " + response.status);
        }
        return response.json();
      });
    }
    return cache[path];
  }

  function normalise(value) {
    return value.normalize("NFKC").toLowerCase();
  }

  function fnv1a(token) {
    var hash = 0x811c9dc5;
    for (var char of token) {
      hash ^= char.codePointAt(0);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash >>> 0;
  }

  /* The index tokens a term needs: pairs of a Chinese run (its character if alone), Latin words. */
  function termTokens(term) {
    var found = [];
    (term.match(CJK_RUN) || []).forEach(function (run) {
      var chars = Array.from(run);
      if (chars.length === 1) {
        found.push(run);
      }
      for (var i = 0; i + 1 < chars.length; i++) {
        found.push(chars[i] + chars[i + 1]);
      }
    });
    // Letter and digit groups, as the index has them: gpt-4o, gpt4o and gpt 4o are gpt, 4, o.
    (term.replace(CJK_RUN, " ").match(/[a-z]+|[0-9]+/g) || []).forEach(function (group) {
      found.push(group);
    });
    return found;
  }

  function escapeRegExp(value) {
    return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  /* A term as a pattern: case-blind, spaces allowed where Chinese meets other text (AI 智能体),
   * whole words at Latin edges (AGI does not match MAGIC). */
  function termPattern(term) {
    var chars = Array.from(term);
    var source = "";
    chars.forEach(function (char, i) {
      var previous = chars[i - 1];
      if (char === "-" && /[a-z0-9]/.test(previous || "") && /[a-z0-9]/.test(chars[i + 1] || "")) {
        return; // a hyphen inside a model name may be a space or nothing: o1-preview, o1 preview
      }
      if (i > 0 && (IS_CJK.test(char) || IS_CJK.test(previous))) {
        source += "\\s*";
      } else if (i > 0 && (/[a-z]/.test(char) && /[0-9-]/.test(previous) || /[0-9]/.test(char) && /[a-z-]/.test(previous))) {
        source += "[-\\s]?"; // where letters meet digits: GPT-4o, GPT4o, GPT 4o
      }
      source += escapeRegExp(char);
    });
    // A model name may end a product name (ChatGPT-4o for GPT-4o); a plain word stands alone (AGI, not MAGIC).
    if (/^[a-z]{3,}[-\s]?[0-9]/.test(term)) {
      source = "(?<![0-9])" + source;
    } else if (/^[a-z0-9]/.test(term)) {
      source = "(?<![a-z0-9])" + source;
    }
    if (/[a-z0-9]$/.test(term)) {
      source += "(?![a-z0-9])";
    }
    return new RegExp(source, "giu");
  }

  /* Query words; a name split by a space is one term again (GPT 4o, o1 preview). */
  function words(query) {
    var found = [];
    normalise(query).split(/\s+/).filter(Boolean).forEach(function (word) {
      var last = found[found.length - 1];
      var joins = last && (/[a-z]$/.test(last) && /^[0-9]/.test(word) || /[0-9]$/.test(last) && /^[a-z]+$/.test(word));
      if (joins && /^[a-z0-9-]+$/.test(last) && /^[a-z0-9-]+$/.test(word)) {
        found[found.length - 1] = last + "-" + word;
      } else {
        found.push(word);
      }
    });
    return found;
  }

  function parse(query) {
    return words(query)
      .filter(function (term) {
        return termTokens(term).length > 0;
      })
      .map(function (term) {
        return { term: term, tokens: termTokens(term), pattern: termPattern(term) };
      });
  }

  function postings(flat) {
    var result = new Map();
    var number = 0;
    for (var i = 0; i < flat.length; i += 2) {
      number += flat[i];
      result.set(number, flat[i + 1]);
    }
    return result;
  }

  /* Interviews that hold every token, best first: the rarest token's frequency bounds the phrase count. */
  function candidates(terms, meta) {
    var tokens = Array.from(new Set([].concat.apply([], terms.map(function (t) { return t.tokens; }))));
    var shardIds = Array.from(new Set(tokens.map(function (token) { return fnv1a(token) % meta.shards; })));
    return Promise.all(shardIds.map(function (id) { return load("shards/" + id + ".json"); })).then(function (shards) {
      var byShard = {};
      shardIds.forEach(function (id, i) { byShard[id] = shards[i]; });
      var score = null;
      tokens.forEach(function (token) {
        var found = postings(byShard[fnv1a(token) % meta.shards][token] || []);
        if (score === null) {
          score = found;
          return;
        }
        var next = new Map();
        score.forEach(function (frequency, number) {
          if (found.has(number)) {
            next.set(number, Math.min(frequency, found.get(number)));
          }
        });
        score = next;
      });
      return Array.from(score || []).sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    });
  }

  function countMatches(pattern, value) {
    pattern.lastIndex = 0;
    var count = 0;
    while (pattern.exec(value)) {
      count++;
    }
    return count;
  }

  function matchSections(doc, terms) {
    var hits = [];
    doc.s.forEach(function (section) {
      var total = 0;
      for (var i = 0; i < terms.length; i++) {
        var count = countMatches(terms[i].pattern, section[2]);
        if (!count) {
          return;
        }
        total += count;
      }
      hits.push({ anchor: section[0], label: section[1], text: section[2], count: total });
    });
    return hits;
  }

  function snippet(value, terms) {
    var first = terms[0].pattern;
    first.lastIndex = 0;
    var match = first.exec(value);
    var start = Math.max(0, match.index - 30);
    var stop = Math.min(value.length, match.index + match[0].length + 70);
    var head = value.slice(start, match.index).search(/[。！？；，,.!?;][^。！？；，,.!?;]*$/);
    if (start > 0 && head >= 0) {
      start += head + 1;
    }
    var piece = value.slice(start, stop).trim();
    var marks = new RegExp(terms.map(function (t) { return "(?:" + t.pattern.source + ")"; }).join("|"), "giu");
    var html = "";
    var last = 0;
    piece.replace(marks, function (found, offset) {
      html += escapeHtml(piece.slice(last, offset)) + "<mark>" + escapeHtml(found) + "</mark>";
      last = offset + found.length;
      return found;
    });
    html += escapeHtml(piece.slice(last));
    return (start > 0 ? "…" : "") + html + (stop < value.length ? "…" : "");
  }

  function escapeHtml(value) {
    return value.replace(/[&<>"']/g, function (char) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[char];
    });
  }

  /* The page of a result, at the section, with the query for the page to highlight (?h=). */
  function link(doc, anchor) {
    var url = new URL(doc.u, base);
    if (root.dataset.query) {
      url.searchParams.set("h", root.dataset.query);
    }
    if (anchor) {
      url.hash = anchor;
    }
    return url.href;
  }

  function render(results, terms, pending, unchecked) {
    list.innerHTML = "";
    var sections = 0;
    results.forEach(function (result) {
      sections += result.hits.length;
      var item = document.createElement("li");
      item.className = "md-search-result__item";
      var html =
        '<a href="' + escapeHtml(link(result.doc, "")) + '" class="md-search-result__link" tabindex="-1">' +
        '<article class="md-search-result__article md-typeset"><h1>' + escapeHtml(result.doc.t) + "</h1>" +
        '<p class="site-search__date">' + escapeHtml(result.doc.d) + "</p></article></a>";
      result.hits.forEach(function (hit, n) {
        html +=
          '<a href="' + escapeHtml(link(result.doc, hit.anchor)) + '" class="md-search-result__link site-search__hit"' +
          (n >= SECTIONS_PER_DOC ? " hidden" : "") + '>' +
          '<article class="md-search-result__article md-typeset"><h2>' + escapeHtml(hit.label) + "</h2>" +
          "<p>" + snippet(hit.text, terms) + "</p></article></a>";
      });
      if (result.hits.length > SECTIONS_PER_DOC) {
        html += '<button type="button" class="md-search-result__more site-search__more">' +
          escapeHtml(text.more.replace("{n}", result.hits.length - SECTIONS_PER_DOC)) + "</button>";
      }
      item.innerHTML = html;
      list.appendChild(item);
    });
    if (unchecked) {
      // Interviews that hold every word but were not read yet: the reader can reach all of them.
      var more = document.createElement("li");
      more.className = "md-search-result__item";
      more.innerHTML = '<button type="button" class="md-search-result__more site-search__more-docs">' +
        escapeHtml(text.moreDocs.replace("{n}", unchecked)) + "</button>";
      list.appendChild(more);
    }
    if (!results.length) {
      metaLine.textContent = pending ? text.searching : text.none;
    } else {
      metaLine.textContent = text.found.replace("{docs}", results.length).replace("{sections}", sections) +
        (pending ? " " + text.searching : "");
    }
  }

  function search(query) {
    var run = ++current;
    var terms = parse(query);
    root.dataset.query = query;
    root.dataset.state = "searching";
    if (!terms.length) {
      list.innerHTML = "";
      also.innerHTML = "";
      metaLine.textContent = text.prompt;
      root.dataset.state = "done";
      return Promise.resolve();
    }
    metaLine.textContent = text.searching;
    return load("meta.json")
      .then(function (meta) {
        alsoSearch(query, meta);
        return candidates(terms, meta);
      })
      .then(function (ranked) {
        var rest = ranked.map(function (pair) { return pair[0]; });
        var queue = rest.splice(0, DOCS_LIMIT);
        var results = [];
        function next(size) {
          if (run !== current) {
            return null;
          }
          var batch = queue.splice(0, size);
          if (!batch.length) {
            render(results, terms, false, rest.length);
            root.dataset.state = "done";
            return null;
          }
          return Promise.all(batch.map(function (n) { return load("docs/" + n + ".json"); })).then(function (docs) {
            if (run !== current) {
              return null;
            }
            docs.forEach(function (doc) {
              var hits = matchSections(doc, terms);
              if (hits.length) {
                var score = hits.reduce(function (sum, hit) { return sum + hit.count; }, 0);
                results.push({ doc: doc, hits: hits, score: score + (hits[0].anchor === "" ? 5 : 0) });
              }
            });
            results.sort(function (a, b) { return b.score - a.score; });
            render(results, terms, queue.length > 0);
            return next(DOCS_BATCH);
          });
        }
        readMore = function () {
          queue = rest.splice(0, DOCS_LIMIT);
          root.dataset.state = "searching";
          return next(DOCS_BATCH);
        };
        return next(DOCS_FIRST_BATCH);
      })
      .catch(function (error) {
        metaLine.textContent = text.failed;
        root.dataset.state = "failed";
        throw error;
      });
  }

  /* The topic's other names, when the query is one of them: AGI → 通用人工智能, 超级智能. */
  function alsoSearch(query, meta) {
    also.innerHTML = "";
    var wanted = normalise(query).trim();
    var group = (meta.aliases || []).find(function (names) {
      return names.some(function (name) { return normalise(name) === wanted; });
    });
    if (!group) return;
    var seen = new Set([wanted]);
    var others = group.filter(function (name) {
      var key = normalise(name);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    if (!others.length) return;
    also.innerHTML = escapeHtml(text.also) + others.map(function (name) {
      return '<button type="button" class="site-search__also" data-query="' + escapeHtml(name) + '">' +
        escapeHtml(name) + "</button>";
    }).join("");
  }

  also.addEventListener("click", function (event) {
    var option = event.target.closest(".site-search__also");
    if (!option) return;
    input.value = option.dataset.query;
    input.focus();
    search(input.value);
  });

  var readMore = null;
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { search(input.value); }, 120);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      var first = list.querySelector(".site-search__hit");
      if (first) {
        event.preventDefault();
        window.location.href = first.href;
      }
    }
  });
  list.addEventListener("click", function (event) {
    if (event.target.closest(".site-search__more-docs") && readMore) {
      readMore();
      return;
    }
    var more = event.target.closest(".site-search__more");
    if (more) {
      more.parentNode.querySelectorAll(".site-search__hit[hidden]").forEach(function (hit) {
        hit.hidden = false;
      });
      more.remove();
      return;
    }
    document.getElementById("__search").checked = false;
  });

  window.siteSearch = { search: search };
  if (input.value) {
    search(input.value);
  }
})();
