/* Draw the trend chart of a measure.
 *
 * The Vega-Lite specification is built on the server and arrives as JSON in a
 * <script type="application/json" id="trend-spec"> element (Django's json_script).
 * The page's CSP allows scripts from 'self' only, with no eval: Vega's default
 * expression code generator uses new Function, so expressions are parsed to an AST
 * (ast: true) and evaluated by the CSP-safe interpreter that the vega-embed UMD
 * build bundles (vega-interpreter) and uses whenever ast is true.
 * No actions menu, no tooltip handler and no default stylesheet: each would add
 * inline styles the CSP refuses. The table on the page holds the same data.
 */
(function () {
  "use strict";

  var source = document.getElementById("trend-spec");
  var target = document.getElementById("trend-chart");
  if (!source || !target || typeof window.vegaEmbed !== "function") {
    return;
  }

  var options = {
    actions: false,
    ast: true,
    renderer: "svg",
    tooltip: false,
    defaultStyle: false
  };

  function unavailable() {
    target.textContent = "The chart could not be drawn. The table below has the same data.";
  }

  var spec;
  try {
    spec = JSON.parse(source.textContent);
  } catch (error) {
    unavailable();
    return;
  }
  window.vegaEmbed(target, spec, options).catch(unavailable);
})();
