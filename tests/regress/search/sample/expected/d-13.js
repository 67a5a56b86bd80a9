morgueSearch.load("d-13",{"zd":"Sf[1JbuL"});
