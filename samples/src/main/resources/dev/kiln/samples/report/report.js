"use strict";
// Draws report.html from its embedded data; every failure is shown on the page and counted in body[data-errors].
(function () {
  const errors = [];
  function fail(message) {
    errors.push(message);
    document.body.dataset.errors = String(errors.length);
    const box = document.getElementById("errors");
    box.style.display = "block";
    box.textContent = "This report could not draw everything:\n" + errors.join("\n");
  }
  window.addEventListener("error", (event) => fail(event.message));

  const TRAIN = "#1f77b4";
  const VALIDATION = "#ff7f0e";
  const WIDTH = 580;
  const HEIGHT = 260;

  // Marks a chart with how many of its canvas pixels were painted once uPlot has drawn it.
  function markPainted(u) {
    const canvas = u.ctx.canvas;
    const pixels = u.ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < pixels.length; i += 4) {
      if (pixels[i] !== 0) {
        painted++;
      }
    }
    u.root.parentElement.dataset.painted = String(painted);
  }

  function chart(parent, title, xLabel, x, series) {
    const holder = document.createElement("div");
    holder.className = "chart";
    holder.dataset.title = title;
    holder.dataset.points = String(series.reduce((n, s) => n + s.values.filter((v) => v !== null).length, 0));
    parent.appendChild(holder);
    const options = {
      title: title,
      width: WIDTH,
      height: HEIGHT,
      scales: { x: { time: false } },
      series: [{ label: xLabel }].concat(series.map((s) => ({
        label: s.label, stroke: s.color, width: 2, points: { show: x.length <= 30 }
      }))),
      axes: [{ label: xLabel }, {}],
      hooks: { draw: [markPainted] }
    };
    try {
      new uPlot(options, [x].concat(series.map((s) => s.values)), holder);
    } catch (e) {
      fail(title + ": " + e.message);
    }
  }

  // From light to dark blue as the epoch advances.
  function shade(i, n) {
    const t = n <= 1 ? 1 : i / (n - 1);
    const light = [158, 202, 225];
    const dark = [8, 48, 107];
    const c = light.map((l, k) => Math.round(l + (dark[k] - l) * t));
    return "rgb(" + c.join(",") + ")";
  }

  function curves(data) {
    const parent = document.getElementById("curves");
    const names = Object.keys(data.measures);
    for (const name of names.filter((n) => !n.startsWith("val_"))) {
      const label = name === "learning_rate" ? "rate" : "train";
      const series = [{ label: label, color: TRAIN, values: data.measures[name] }];
      if (data.measures["val_" + name]) {
        series.push({ label: "validation", color: VALIDATION, values: data.measures["val_" + name] });
      }
      chart(parent, name, "epoch", data.epochs, series);
    }
    chart(parent, "seconds per epoch", "epoch", data.epochs,
      [{ label: "seconds", color: TRAIN, values: data.seconds }]);
  }

  function histograms(data) {
    const parent = document.getElementById("histograms");
    for (const [tag, grid] of Object.entries(data.histograms)) {
      const n = grid.epochs.length;
      const series = grid.epochs.map((epoch, i) => ({
        label: "epoch " + epoch, color: shade(i, n), values: grid.shares[i]
      }));
      chart(parent, tag, "value", grid.x, series);
    }
  }

  function models(data) {
    const parent = document.getElementById("models");
    for (const [name, summary] of Object.entries(data.models)) {
      const heading = document.createElement("h3");
      heading.textContent = name;
      const text = document.createElement("pre");
      text.textContent = summary;
      parent.append(heading, text);
    }
  }

  function run(data) {
    const table = document.getElementById("run");
    for (const [name, value] of Object.entries(data.run)) {
      const row = table.insertRow();
      row.insertCell().textContent = name;
      row.insertCell().textContent = value;
    }
    document.getElementById("subtitle").textContent = data.subtitle;
  }

  try {
    const data = JSON.parse(document.getElementById("report-data").textContent);
    run(data);
    models(data);
    curves(data);
    histograms(data);
  } catch (e) {
    fail(e.message);
  }
})();
