morgueSearch.load("d-2",{"zd":"Sf]=qh~fx"});
