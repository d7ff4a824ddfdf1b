// The co-occurrence graph of a technology page: the data comes as JSON in a <script type="application/json">
// (text only, never markup); vis-network shows labels and titles as text. Clicking a node opens its page.
(function () {
  "use strict";
  var container = document.getElementById("cooccurrence");
  var source = container && document.getElementById(container.dataset.graph);
  if (!source || typeof vis === "undefined") { return; }
  var graph = JSON.parse(source.textContent);
  var most = Math.max.apply(null, [1].concat(graph.nodes.map(function (node) { return node.shared || 0; })));
  var nodes = new vis.DataSet(graph.nodes.map(function (node) {
    var centre = node.id === graph.centre;
    return {
      id: node.id, label: node.name, shape: "dot", value: centre ? most + 1 : node.shared,
      color: centre ? "#c0392b" : "#1f6fb2", font: {size: centre ? 18 : 14},
      title: centre ? node.name + " (" + node.category + ")"
                    : node.name + " (" + node.category + "): " + node.shared + " companies use both"
    };
  }));
  var edges = new vis.DataSet(graph.edges.map(function (edge) {
    return {from: edge.a, to: edge.b, value: edge.shared, title: edge.shared + " companies use both",
            color: {color: "#9aa5b4", highlight: "#c0392b"}};
  }));
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, {
    nodes: {scaling: {min: 8, max: 30}},
    edges: {scaling: {min: 1, max: 8}, smooth: false},
    physics: {solver: "forceAtlas2Based", forceAtlas2Based: {gravitationalConstant: -90, springLength: 140},
              stabilization: {iterations: 300}},
    interaction: {hover: true, tooltipDelay: 120}
  });
  window.stackgraphGraph = {network: network, nodes: nodes.length, edges: edges.length, stable: nodes.length <= 1};
  network.once("stabilizationIterationsDone", function () {
    network.setOptions({physics: {enabled: false}});
    window.stackgraphGraph.stable = true;
  });
  network.on("click", function (event) {
    if (event.nodes.length === 1 && event.nodes[0] !== graph.centre) {
      window.location.href = "/technologies/" + encodeURIComponent(event.nodes[0]);
    }
  });
})();
