"""Area alert levels (Sispamkota: hijau / kuning / merah) per kecamatan and the contingency
checklists that raising one starts (docs/incidents.md, "Area alert level")."""
