import { _t } from "@web/core/l10n/translation";
import { loadBundle } from "@web/core/assets";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { formatMonetary } from "@web/views/fields/formatters";
import { Component, onWillStart, useEffect, useRef, useState } from "@odoo/owl";

/**
 * The collections dashboard: the landing page of the Dunning menu. Every figure
 * comes from one call (dunning.dashboard.get_dashboard_data) and opens its list
 * through dunning.dashboard.action_open_figure.
 */
export class DunningDashboard extends Component {
    static template = "dunning_followup.DunningDashboard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ data: null });
        this.agingCanvas = useRef("agingCanvas");
        this.trendCanvas = useRef("trendCanvas");
        this.charts = [];
        onWillStart(async () => {
            await loadBundle("web.chartjs_lib");
            this.state.data = await this.orm.call("dunning.dashboard", "get_dashboard_data", []);
        });
        useEffect(
            () => {
                this.renderCharts();
                return () => this.charts.forEach((chart) => chart.destroy());
            },
            () => [this.state.data]
        );
    }

    money(amount) {
        const currency = this.state.data.currency;
        const formatted = formatMonetary(amount, { digits: [16, currency.digits] });
        return currency.position === "before"
            ? `${currency.symbol} ${formatted}`
            : `${formatted} ${currency.symbol}`;
    }

    async open(figure, key = null) {
        const action = await this.orm.call("dunning.dashboard", "action_open_figure", [
            figure,
            key,
        ]);
        this.action.doAction(action);
    }

    renderCharts() {
        const data = this.state.data;
        if (!data) {
            return;
        }
        this.charts.forEach((chart) => chart.destroy());
        this.charts = [];
        const aging = data.aging;
        this.charts.push(
            new Chart(this.agingCanvas.el, {
                type: "bar",
                data: {
                    labels: aging.map((bucket) => bucket.label),
                    datasets: [
                        {
                            label: _t("Open receivables"),
                            data: aging.map((bucket) => bucket.amount),
                            backgroundColor: ["#6c757d", "#f0ad4e", "#ec971f", "#d9534f", "#c9302c", "#8b0000"],
                        },
                    ],
                },
                options: {
                    maintainAspectRatio: false,
                    plugins: { legend: { display: false } },
                    onClick: (event, elements) => {
                        if (elements.length) {
                            this.open("aging", aging[elements[0].index].key);
                        }
                    },
                },
            })
        );
        const trend = data.trend;
        this.charts.push(
            new Chart(this.trendCanvas.el, {
                type: "line",
                data: {
                    labels: trend.map((point) => point.month.slice(0, 7)),
                    datasets: [
                        {
                            label: _t("DSO (days)"),
                            data: trend.map((point) => point.dso),
                            borderColor: "#017e84",
                            yAxisID: "y",
                        },
                        {
                            label: _t("Overdue ratio (%)"),
                            data: trend.map((point) => point.overdue_ratio),
                            borderColor: "#d9534f",
                            yAxisID: "y1",
                        },
                    ],
                },
                options: {
                    maintainAspectRatio: false,
                    scales: {
                        y: { position: "left", beginAtZero: true },
                        y1: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false } },
                    },
                    onClick: () => this.open("trend"),
                },
            })
        );
    }
}

registry.category("actions").add("dunning_followup.dashboard", DunningDashboard);
