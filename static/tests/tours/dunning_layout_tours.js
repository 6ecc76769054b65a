import { registry } from "@web/core/registry";

/**
 * A step that fails when the list scrolls sideways or a column title is cut
 * short ("…"): the tests open these screens in a 1400 px wide browser.
 */
function listFitsStep(what) {
    return {
        content: `${what}: no sideways scrolling, every column title in full`,
        timeout: 30000,
        trigger: ".o_list_renderer .o_list_table thead th[data-name]",
        run() {
            const renderer = document.querySelector(".o_list_renderer");
            if (renderer.scrollWidth > renderer.clientWidth + 1) {
                throw new Error(
                    `${what} scrolls sideways: ${renderer.scrollWidth} px of columns ` +
                        `in ${renderer.clientWidth} px`
                );
            }
            const cut = [
                ...document.querySelectorAll(
                    ".o_list_table thead th[data-name] .text-truncate"
                ),
            ].filter((label) => label.scrollWidth > label.clientWidth + 1);
            if (cut.length) {
                throw new Error(
                    `${what} cuts these column titles short: ` +
                        cut.map((label) => label.textContent).join(", ")
                );
            }
        },
    };
}

/**
 * Receivables aging at 1400 px: it fits; the customer's group row links to
 * the customer's Dunning tab.
 */
registry.category("web_tour.tours").add("dunning_followup_aging_layout_tour", {
    steps: () => [
        {
            content: "The title carries the aging date",
            timeout: 30000,
            trigger: ".o_breadcrumb .active:contains(Receivables Aging as of)",
        },
        {
            content: "Open the customer's group",
            timeout: 30000,
            trigger: ".o_list_view .o_group_header:contains(Aging Tour Co)",
            run: "click",
        },
        {
            content: "Its items are listed",
            timeout: 30000,
            trigger: ".o_list_view .o_data_row td[name=move_name]",
        },
        listFitsStep("The receivables aging"),
        {
            content: "Open the customer's Dunning tab from its group row",
            trigger:
                ".o_list_view .o_group_header:contains(Aging Tour Co) button[name=action_dunning_open_dunning_tab]",
            run: "click",
        },
        {
            content: "The customer opens on its Dunning tab",
            timeout: 30000,
            trigger:
                ".o_form_view .o_notebook .nav-link.active:contains(Dunning)",
        },
        {
            content: "The tab's content is shown",
            trigger: ".o_form_view .o_notebook button[name=action_dunning_log_call]",
        },
    ],
});

/**
 * Dunning worklist at 1400 px: it fits, every column title in full.
 */
registry.category("web_tour.tours").add("dunning_followup_worklist_layout_tour", {
    steps: () => [
        {
            content: "The worklist lists the customer",
            timeout: 30000,
            trigger: ".o_list_view .o_data_row td[name=display_name]:contains(Dunning Tour)",
        },
        listFitsStep("The dunning worklist"),
    ],
});
