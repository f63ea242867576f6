'use strict';
// The navigation starts collapsed on screens narrower than 1500 px until the person opens it
// (Django's nav_sidebar.js, loaded with defer, reads the same key after this runs).
{
    const key = 'django.admin.navSidebarIsOpen';
    try {
        if (localStorage.getItem(key) === null && window.innerWidth < 1500) {
            localStorage.setItem(key, 'false');
        }
    } catch (e) { /* storage disabled: Django's default (open) */ }
}

// A list cell cut with "…" shows its full text as a tooltip.
document.addEventListener('DOMContentLoaded', function() {
    document.querySelectorAll('#result_list td, #result_list tbody th').forEach(function(cell) {
        if (cell.scrollWidth > cell.clientWidth && !cell.title) {
            cell.title = cell.textContent.trim();
        }
    });
});
